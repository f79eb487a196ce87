// Package media is the site's media library: it accepts uploaded images,
// checks and cleans them, makes responsive sizes, stores the files through a
// Storage (a folder on disk, or an S3-compatible bucket) and keeps their
// details in the media table.
//
// An upload is treated as hostile until proven otherwise:
//   - its type is read from its first bytes, never from its name, and only
//     JPEG, PNG, GIF and WebP are accepted;
//   - its size is capped while it is read, so an endless body costs at most
//     the limit;
//   - its dimensions are read from the header before any pixel is decoded,
//     so a "decompression bomb" (a tiny file that declares a huge image) is
//     refused in microseconds with no pixel memory allocated;
//   - it is decoded and encoded again, so no EXIF, GPS position, camera
//     serial number or other metadata reaches the public.
//
// Nothing here knows about HTTP: errors wrap the sentinels in errors.go with
// a message written for the uploader, and the web layer picks the status.
package media
