// Package demo fills an empty site with demo content: articles the project
// wrote itself, in Arabic and English, and — when the fixtures folder is at
// hand — the sample wire story read from seed-article.txt at run time. That
// text belongs to others: it is never copied into the repository or binary.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
)

// Services are what loading the demo writes through.
type Services struct {
	Content  *content.Service
	Staff    *staff.Service
	Settings *settings.Service
}

// Options say where the demo reads and writes files.
type Options struct {
	Fixtures   string // folder holding seed-article.txt; may be missing
	UploadsDir string // DATA/uploads
	Log        *slog.Logger
}

// Result reports what was loaded.
type Result struct {
	Posts      int
	SampleSlug string // the sample article's slug, "" when the fixture was absent
}

// Load adds the demo to a site that has no posts yet; on a site with content
// it does nothing, so restarting with --demo never duplicates anything.
func Load(ctx context.Context, s Services, opt Options) (Result, error) {
	var res Result
	n, err := s.Content.Count(ctx, content.Filter{})
	if err != nil {
		return res, err
	}
	pages, err := s.Content.Count(ctx, content.Filter{Type: content.TypePage})
	if err != nil || n+pages > 0 {
		return res, err
	}
	if err := s.Settings.SaveSite(ctx, settings.Site{
		Title: "نشرة", Description: "أخبار العالم والمنطقة بالعربية والإنجليزية", Lang: "ar", Timezone: "Asia/Riyadh",
		Digits: "latin", Months: "standard", Hijri: true, PostsPerPage: 10,
	}); err != nil {
		return res, err
	}
	authors, err := demoAuthors(ctx, s.Staff)
	if err != nil {
		return res, err
	}
	cats, err := demoCategories(ctx, s.Content)
	if err != nil {
		return res, err
	}
	images, err := writeImages(opt.UploadsDir)
	if err != nil {
		return res, err
	}
	now := s.Content.Now()
	for i, a := range articles(authors, cats, images) {
		a.PublishedAt = now.Add(-time.Duration(i*9+1) * time.Hour)
		if _, err := s.Content.CreatePost(ctx, a); err != nil {
			return res, fmt.Errorf("demo post %q: %w", a.Title, err)
		}
		res.Posts++
	}
	sample, err := readSample(filepath.Join(opt.Fixtures, "seed-article.txt"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if opt.Log != nil {
			opt.Log.Warn("demo: sample article not loaded: fixtures folder not found", "fixtures", opt.Fixtures)
		}
	case err != nil:
		return res, err
	default:
		in := sample.input(authors["desk"], cats)
		in.PublishedAt = now.Add(-30 * time.Minute)
		p, err := s.Content.CreatePost(ctx, in)
		if err != nil {
			return res, fmt.Errorf("demo sample article: %w", err)
		}
		res.Posts++
		res.SampleSlug = p.Slug
	}
	return res, nil
}

func demoAuthors(ctx context.Context, st *staff.Service) (map[string]int64, error) {
	out := map[string]int64{}
	for _, a := range []struct{ key, name, email, bio string }{
		{"desk", "فريق التحرير", "desk@demo.nashra.invalid", "غرفة أخبار نشرة."},
		{"lina", "لينا حداد", "lina@demo.nashra.invalid", "محررة الاقتصاد والطاقة."},
		{"omar", "Omar Saleh", "omar@demo.nashra.invalid", "Technology and city reporter."},
	} {
		// Demo accounts get random passwords: nobody can sign in as them.
		pw := make([]byte, 18)
		_, _ = rand.Read(pw)
		u, err := st.Create(ctx, staff.NewUser{Name: a.name, Email: a.email, Bio: a.bio, Role: staff.Author, Password: hex.EncodeToString(pw)})
		if errors.Is(err, staff.ErrEmailTaken) {
			existing, err := st.ByEmail(ctx, a.email)
			if err != nil {
				return nil, err
			}
			out[a.key] = existing.ID
			continue
		}
		if err != nil {
			return nil, err
		}
		out[a.key] = u.ID
	}
	return out, nil
}

func demoCategories(ctx context.Context, cs *content.Service) (map[string]int64, error) {
	out := map[string]int64{}
	for i, c := range []struct{ key, name, slug, parent, desc string }{
		{"world", "أخبار العالم", "", "", "ما يجري في العالم، يوماً بيوم."},
		{"mideast", "الشرق الأوسط", "", "world", "أخبار المنطقة."},
		{"economy", "اقتصاد", "", "", "الأسواق والطاقة والأعمال."},
		{"tech", "تقنية", "", "", "العلوم والتقنية."},
		{"culture", "ثقافة", "", "", "الكتب والفنون."},
	} {
		in := content.CategoryInput{Name: c.name, Slug: c.slug, Description: c.desc, Position: i, ParentID: out[c.parent]}
		cat, err := cs.CreateCategory(ctx, in)
		if err != nil {
			existing, lookupErr := cs.CategoryBySlug(ctx, arabic.Slugify(c.name))
			if lookupErr != nil {
				return nil, err
			}
			cat = existing
		}
		out[c.key] = cat.ID
	}
	return out, nil
}
