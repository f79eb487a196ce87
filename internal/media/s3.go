package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says how to reach an S3-compatible bucket (AWS S3, MinIO, Garage,
// Cloudflare R2, Backblaze B2…).
type S3Config struct {
	// Endpoint is host[:port] without a scheme, e.g. "s3.eu-west-1.amazonaws.com"
	// or "127.0.0.1:9000"; UseTLS chooses https.
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	// Region is needed by some providers (AWS outside us-east-1); empty lets
	// the client ask the bucket.
	Region string
	UseTLS bool
	// PublicURL is where browsers fetch objects, e.g. a CDN in front of the
	// bucket ("https://media.example.com"). Empty means the bucket's own
	// path-style URL at the endpoint, which only works for a public bucket.
	PublicURL string
}

// S3Storage keeps media files in an S3-compatible bucket, for sites whose
// several nodes must see the same files.
type S3Storage struct {
	client    *minio.Client
	bucket    string
	publicURL string
}

// immutableCache is set on every object: the service never reuses a key (each
// has a random part), so browsers and CDNs may keep an object forever.
const immutableCache = "public, max-age=31536000, immutable"

// NewS3Storage connects to the bucket and checks that it exists, so that a
// wrong endpoint, bucket or key pair fails at start-up rather than at the
// first upload.
func NewS3Storage(ctx context.Context, cfg S3Config) (*S3Storage, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("media: S3 storage needs an endpoint and a bucket")
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, fmt.Errorf("media: S3 endpoint %q must be host[:port] without a scheme (UseTLS chooses https)", cfg.Endpoint)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseTLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("media: S3 endpoint %s: %w", cfg.Endpoint, err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("media: S3 bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("media: S3 bucket %q does not exist at %s", cfg.Bucket, cfg.Endpoint)
	}
	public := cfg.PublicURL
	if public == "" {
		public = joinURL(client.EndpointURL().String(), cfg.Bucket)
	}
	return &S3Storage{client: client, bucket: cfg.Bucket, publicURL: public}, nil
}

// Put uploads the object in one request (or a multipart upload the client
// completes only at the end), so a failed Put leaves no object behind.
func (s *S3Storage) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{
		ContentType:  contentType,
		CacheControl: immutableCache,
	})
	if err != nil {
		return fmt.Errorf("media: store %s in bucket %s: %w", key, s.bucket, err)
	}
	return nil
}

// Open asks for the object's details first, so that a missing key is reported
// here as ErrNotFound instead of at the first Read.
func (s *S3Storage) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat()
	}
	if err != nil {
		if obj != nil {
			obj.Close()
		}
		if isNoSuchKey(err) {
			return nil, fmt.Errorf("%w: no object %s", ErrNotFound, key)
		}
		return nil, fmt.Errorf("media: open %s in bucket %s: %w", key, s.bucket, err)
	}
	return obj, nil
}

// Delete removes the object; S3 itself treats a missing key as success.
func (s *S3Storage) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !isNoSuchKey(err) {
		return fmt.Errorf("media: delete %s in bucket %s: %w", key, s.bucket, err)
	}
	return nil
}

// URL is the public base URL followed by the escaped key.
func (s *S3Storage) URL(key string) string { return joinURL(s.publicURL, key) }

func isNoSuchKey(err error) bool {
	var er minio.ErrorResponse
	if !errors.As(err, &er) {
		return false
	}
	return er.Code == "NoSuchKey" || er.Code == "NotFound"
}
