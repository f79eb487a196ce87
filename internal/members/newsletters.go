package members

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/store"
)

// Newsletter is one list readers may join ("Breaking news", "Daily digest").
type Newsletter struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	SenderName  string // empty: the site's name
	SenderEmail string // empty: the site's sender address
	Active      bool   // retired newsletters keep their members' history but take no one new
	Position    int
	CreatedAt   time.Time
	Digest      DigestSchedule
}

// DigestSchedule is when a newsletter's digests go out, for the members who
// chose a daily or weekly digest rather than every post.
type DigestSchedule struct {
	Hour    int // site time, 0–23 (7 on a new newsletter)
	Weekday int // weekly digests: 0 = Sunday … 6 = Saturday (6 on a new newsletter)
	// IncludeAll: a digest carries every post published in its period, not
	// only the posts emailed to this newsletter ("Daily digest" of the site).
	IncludeAll bool
}

func (d DigestSchedule) validate() error {
	if d.Hour < 0 || d.Hour > 23 {
		return fmt.Errorf("%w: the digest hour must be 0 to 23", ErrInvalid)
	}
	if d.Weekday < 0 || d.Weekday > 6 {
		return fmt.Errorf("%w: the weekly digest's day must be 0 (Sunday) to 6 (Saturday)", ErrInvalid)
	}
	return nil
}

// NewsletterInput is what creating or editing a newsletter takes.
type NewsletterInput struct {
	Name        string
	Slug        string // empty: made from Name
	Description string
	SenderName  string
	SenderEmail string
	Digest      *DigestSchedule // nil: unchanged (on a new newsletter, 07:00 and Saturday, posts emailed to it)
}

// The default newsletter EnsureDefaultNewsletter creates.
const (
	DefaultNewsletterName = "النشرة"
	DefaultNewsletterSlug = "news"
)

const newsletterColumns = `n.id, n.slug, n.name, n.description, n.sender_name, n.sender_email, n.active, n.position, n.created_at,
	n.digest_hour, n.digest_weekday, n.include_all`

// dest is where a row of newsletterColumns scans to.
func (n *Newsletter) dest() []any {
	return []any{&n.ID, &n.Slug, &n.Name, &n.Description, &n.SenderName, &n.SenderEmail,
		&n.Active, &n.Position, &n.CreatedAt, &n.Digest.Hour, &n.Digest.Weekday, &n.Digest.IncludeAll}
}

func scanNewsletters(rows *sql.Rows) ([]Newsletter, error) {
	defer rows.Close()
	var out []Newsletter
	for rows.Next() {
		var n Newsletter
		if err := rows.Scan(n.dest()...); err != nil {
			return nil, err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

func (s *Service) newslettersWhere(ctx context.Context, q querier, where string, args ...any) ([]Newsletter, error) {
	rows, err := q.Query(ctx, "SELECT "+newsletterColumns+" FROM newsletters n WHERE "+where+" ORDER BY n.position, n.id", args...)
	if err != nil {
		return nil, err
	}
	return scanNewsletters(rows)
}

// Newsletters lists the active newsletters in the order readers see them.
func (s *Service) Newsletters(ctx context.Context) ([]Newsletter, error) {
	return s.newslettersWhere(ctx, s.db, "n.active = ?", true)
}

// AllNewsletters lists every newsletter, retired ones included, for the admin.
func (s *Service) AllNewsletters(ctx context.Context) ([]Newsletter, error) {
	return s.newslettersWhere(ctx, s.db, "1 = 1")
}

// Newsletter returns the newsletter with id, active or not, or ErrNotFound.
func (s *Service) Newsletter(ctx context.Context, id int64) (*Newsletter, error) {
	return oneNewsletter(s.newslettersWhere(ctx, s.db, "n.id = ?", id))
}

// NewsletterBySlug returns the newsletter with slug, active or not, or
// ErrNotFound.
func (s *Service) NewsletterBySlug(ctx context.Context, slug string) (*Newsletter, error) {
	return oneNewsletter(s.newslettersWhere(ctx, s.db, "n.slug = ?", slug))
}

func oneNewsletter(ns []Newsletter, err error) (*Newsletter, error) {
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, fmt.Errorf("%w: no such newsletter", ErrNotFound)
	}
	return &ns[0], nil
}

func (in *NewsletterInput) validate(allowReserved bool) error {
	in.Name = collapse(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		return fmt.Errorf("%w: a newsletter needs a name of 1 to 100 characters", ErrInvalid)
	}
	src := in.Slug
	if src == "" {
		src = in.Name
	}
	in.Slug = arabic.Slugify(src)
	if in.Slug == "" {
		return fmt.Errorf("%w: the slug %q has no letter or digit", ErrInvalid, src)
	}
	in.Description = clip(in.Description, 2000)
	in.SenderName = cleanName(in.SenderName)
	if in.SenderEmail != "" {
		e, err := NormalizeEmail(in.SenderEmail, allowReserved)
		if err != nil {
			return fmt.Errorf("sender address: %w", err)
		}
		in.SenderEmail = e
	}
	if in.Digest != nil {
		return in.Digest.validate()
	}
	return nil
}

// CreateNewsletter adds an active newsletter after the others. The slug is
// normalized as post slugs are (arabic.Slugify); one in use is ErrSlugTaken.
func (s *Service) CreateNewsletter(ctx context.Context, in NewsletterInput) (*Newsletter, error) {
	if err := in.validate(s.opt.AllowReservedDomains); err != nil {
		return nil, err
	}
	d := DigestSchedule{Hour: 7, Weekday: 6}
	if in.Digest != nil {
		d = *in.Digest
	}
	var id int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO newsletters (slug, name, description, sender_name, sender_email, active, position, created_at,
			digest_hour, digest_weekday, include_all)
			VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM newsletters), ?, ?, ?, ?) RETURNING id`,
			in.Slug, in.Name, in.Description, in.SenderName, in.SenderEmail, true, s.clock(),
			d.Hour, d.Weekday, d.IncludeAll).Scan(&id)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, fmt.Errorf("%w: %q", ErrSlugTaken, in.Slug)
	}
	if err != nil {
		return nil, err
	}
	return s.Newsletter(ctx, id)
}

// UpdateNewsletter changes a newsletter's name, slug, description, sender
// and (unless in.Digest is nil) digest schedule. Members keep their
// subscription: they are linked by ID.
func (s *Service) UpdateNewsletter(ctx context.Context, id int64, in NewsletterInput) (*Newsletter, error) {
	if err := in.validate(s.opt.AllowReservedDomains); err != nil {
		return nil, err
	}
	q := `UPDATE newsletters SET slug = ?, name = ?, description = ?, sender_name = ?, sender_email = ?`
	args := []any{in.Slug, in.Name, in.Description, in.SenderName, in.SenderEmail}
	if d := in.Digest; d != nil {
		q += ", digest_hour = ?, digest_weekday = ?, include_all = ?"
		args = append(args, d.Hour, d.Weekday, d.IncludeAll)
	}
	res, err := s.db.Exec(ctx, q+" WHERE id = ?", append(args, id)...)
	if errors.Is(err, store.ErrConflict) {
		return nil, fmt.Errorf("%w: %q", ErrSlugTaken, in.Slug)
	}
	if err := affectedOne(res, err); err != nil {
		return nil, err
	}
	return s.Newsletter(ctx, id)
}

// SetNewsletterActive retires a newsletter (nobody new may join it, and
// it leaves Newsletters) or brings it back. Its members stay linked.
func (s *Service) SetNewsletterActive(ctx context.Context, id int64, active bool) error {
	res, err := s.db.Exec(ctx, "UPDATE newsletters SET active = ? WHERE id = ?", active, id)
	return affectedOne(res, err)
}

// EnsureDefaultNewsletter returns the first active newsletter, creating
// DefaultNewsletterName (slug "news", or "news-2"… when a retired
// newsletter holds it) when there is none, so that a fresh site can take
// subscribers at once. Two nodes racing to create it end with one.
func (s *Service) EnsureDefaultNewsletter(ctx context.Context) (*Newsletter, error) {
	for attempt := 0; attempt < 5; attempt++ {
		ns, err := s.newslettersWhere(ctx, s.db, "n.active = ?", true)
		if err != nil {
			return nil, err
		}
		if len(ns) > 0 {
			return &ns[0], nil
		}
		slug := DefaultNewsletterSlug
		for i := 2; ; i++ {
			if _, err := s.NewsletterBySlug(ctx, slug); errors.Is(err, ErrNotFound) {
				break
			} else if err != nil {
				return nil, err
			}
			slug = DefaultNewsletterSlug + "-" + strconv.Itoa(i)
		}
		n, err := s.CreateNewsletter(ctx, NewsletterInput{Name: DefaultNewsletterName, Slug: slug})
		if errors.Is(err, ErrSlugTaken) {
			continue // another node made it meanwhile: read again
		}
		return n, err
	}
	return nil, fmt.Errorf("%w: could not create the default newsletter", ErrSlugTaken)
}

// resolveNewsletters turns the slugs a reader or admin chose into active
// newsletters. No slugs means every active newsletter, as on a footer form
// that asks only for an address (a fresh site gets its default newsletter
// first). An unknown or retired slug is ErrUnknownNewsletter: a form that
// names one is out of date, and silently subscribing to less would lose
// the reader's choice.
func (s *Service) resolveNewsletters(ctx context.Context, slugs []string) ([]Newsletter, error) {
	active, err := s.Newsletters(ctx)
	if err != nil {
		return nil, err
	}
	if len(slugs) == 0 {
		if len(active) == 0 {
			n, err := s.EnsureDefaultNewsletter(ctx)
			if err != nil {
				return nil, err
			}
			active = []Newsletter{*n}
		}
		return active, nil
	}
	bySlug := map[string]Newsletter{}
	for _, n := range active {
		bySlug[n.Slug] = n
	}
	var out []Newsletter
	seen := map[int64]bool{}
	for _, slug := range slugs {
		n, ok := bySlug[slug]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownNewsletter, clip(slug, 100))
		}
		if !seen[n.ID] {
			seen[n.ID] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// addNewsletters links a member to newsletters; links already there stay.
func addNewsletters(ctx context.Context, tx *store.Tx, memberID int64, ns []Newsletter) error {
	for _, n := range ns {
		if _, err := tx.Exec(ctx, `INSERT INTO member_newsletters (member_id, newsletter_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, memberID, n.ID); err != nil {
			return err
		}
	}
	return nil
}

// affectedOne turns an update that matched no row into ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
