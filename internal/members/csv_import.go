package members

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"nashra.dev/nashra/internal/store"
)

// importBatch is how many addresses one import transaction writes: big
// enough to be quick, small enough that the SQLite writer is never held
// for long and a failure loses at most one batch's work.
const importBatch = 500

// ImportOptions say what an imported list becomes.
type ImportOptions struct {
	// NewsletterSlugs every imported subscriber joins, besides any the file
	// names in a "newsletters" column. With neither: every active newsletter.
	NewsletterSlugs []string
	// Label is added to every imported member ("import 2026-03"), optional.
	Label string
	// Status of imported subscribers the file does not say otherwise about:
	// Active (the default: they confirmed with the previous service) or
	// Pending. Import sends no mail either way.
	Status Status
	// Progress, if set, is called with the addresses written so far and the
	// total, after each batch (and once before the first).
	Progress func(done, total int)
}

// RowError is a row of an import file that was skipped, or imported with
// something left out (ImportResult.Warnings). Line counts from 1, the
// header included, as a spreadsheet numbers rows.
type RowError struct {
	Line int
	Msg  string
}

// ImportResult reports an import. Added + Updated is the number of distinct
// addresses written; Skipped rows are those in Errors.
type ImportResult struct {
	Added, Updated, Skipped int
	// Merged counts rows that repeated an address met earlier in the file.
	Merged int
	// Errors lists skipped rows, Warnings rows imported without some cell
	// (a date or label not understood); at most 1000 of each are listed.
	Errors, Warnings []RowError
	// Format is the export the file looked like: jetpack, substack, ghost,
	// mailchimp or csv.
	Format string
	// IgnoredColumns are headers with no place here (Ghost's note,
	// Mailchimp's MEMBER_RATING…), so the admin knows they were not kept.
	IgnoredColumns []string
}

// Import adds the subscribers of a CSV export of Jetpack, Substack, Ghost
// or Mailchimp, of ExportCSV, or of a spreadsheet with an email column.
// Headers match whatever their case and spelling ("Email Address",
// "email_address"); a UTF-8 byte-order mark, UTF-16, semicolons or tabs as
// separators and quoted fields are all understood.
//
// Rows with a missing or invalid address are skipped and listed with their
// line; they never stop the import. Rows repeating an address are merged.
// An address that is already a member is updated without losing anything:
// labels and newsletters are added, a blank name filled, paid only ever
// granted, and the status moves only toward less mail (a file never
// re-subscribes someone who unsubscribed, bounced or complained here, but
// does record that they left elsewhere). Rows are written in batches of
// importBatch, each in one transaction; an error or a cancelled ctx stops
// the import after the last whole batch, and the result says how far it
// got. A file that cannot be read at all is ErrBadCSV and writes nothing.
func (s *Service) Import(ctx context.Context, r io.Reader, opt ImportOptions) (res ImportResult, err error) {
	if opt.Status == "" {
		opt.Status = Active
	}
	if opt.Status != Active && opt.Status != Pending {
		return res, fmt.Errorf("%w: imported subscribers can be active or pending, not %q", ErrInvalid, opt.Status)
	}
	var labels []string
	if opt.Label != "" {
		l, err := cleanLabel(opt.Label)
		if err != nil {
			return res, err
		}
		labels = []string{l}
	}
	base, err := s.resolveImportNewsletters(ctx, opt.NewsletterSlugs)
	if err != nil {
		return res, err
	}
	p, err := parseImport(r, s.opt.AllowReservedDomains)
	if err != nil {
		return res, err
	}
	res = ImportResult{Skipped: p.skipped, Merged: p.merged, Errors: p.errors, Format: p.format, IgnoredColumns: p.ignored}
	defer func() { res.Warnings = p.warnings }() // writing adds some
	w := importWriter{s: s, opt: opt, labels: labels, base: base, source: "import:" + p.format,
		bySlug: map[string]Newsletter{}, p: p}
	active, err := s.Newsletters(ctx)
	if err != nil {
		return res, err
	}
	for _, n := range active {
		w.bySlug[n.Slug] = n
	}
	if len(base) == 0 && len(p.rows) > 0 {
		// Rows that name no newsletter join every active one. Resolved
		// here, outside the batches' transactions, because a fresh site
		// first gets its default newsletter written.
		if w.defaults, err = s.resolveNewsletters(ctx, nil); err != nil {
			return res, err
		}
	}
	total := len(p.rows)
	if opt.Progress != nil {
		opt.Progress(0, total)
	}
	for start := 0; start < total; start += importBatch {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		batch := p.rows[start:min(start+importBatch, total)]
		var added, updated int
		err := s.db.WithTx(ctx, func(tx *store.Tx) error {
			var err error
			added, updated, err = w.write(ctx, tx, batch)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("import lines %d and after: %w", batch[0].line, err)
		}
		res.Added += added
		res.Updated += updated
		if opt.Progress != nil {
			opt.Progress(start+len(batch), total)
		}
	}
	return res, nil
}

// resolveImportNewsletters is resolveNewsletters, except that no slugs
// means none here: the default applies per row, to rows the file gives no
// newsletters.
func (s *Service) resolveImportNewsletters(ctx context.Context, slugs []string) ([]Newsletter, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
	return s.resolveNewsletters(ctx, slugs)
}

type importWriter struct {
	s        *Service
	opt      ImportOptions
	labels   []string
	base     []Newsletter
	defaults []Newsletter // for rows given none: every active newsletter
	bySlug   map[string]Newsletter
	source   string
	p        *parsedImport
}

type existingMember struct {
	id     int64
	name   string
	status Status
	paid   bool
}

func (w *importWriter) write(ctx context.Context, tx *store.Tx, batch []*importRow) (added, updated int, err error) {
	have, err := lookupMembers(ctx, tx, batch)
	if err != nil {
		return 0, 0, err
	}
	now := w.s.clock()
	for _, row := range batch {
		st := row.status
		if st == "" {
			st = w.opt.Status
		}
		ex, found := have[row.email]
		if !found {
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO members (email, name, status, paid, lang, source, created_at, updated_at, confirmed_at, unsubscribed_at)
				VALUES (?, ?, ?, ?, 'ar', ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id`,
				row.email, row.name, st, row.paid, w.source, orNow(row.createdAt, now), now,
				nullTime(row.confirmedAt), nullTime(unsubTime(st, row.unsubscribedAt, now))).Scan(&id)
			if err == nil {
				added++
				if err := w.link(ctx, tx, id, st, row); err != nil {
					return 0, 0, err
				}
				continue
			}
			if !errors.Is(err, store.ErrNotFound) {
				return 0, 0, err
			}
			// Someone subscribed with this address since the lookup.
			m, err := memberWhere(ctx, tx, "m.email = ?", row.email)
			if err != nil {
				return 0, 0, err
			}
			ex = existingMember{id: m.ID, name: m.Name, status: m.Status, paid: m.Paid}
		}
		updated++
		newSt := maxStatus(ex.status, st)
		name := ex.name
		if name == "" {
			name = row.name
		}
		q := "UPDATE members SET name = ?, paid = ?, status = ?, updated_at = ? WHERE id = ?"
		args := []any{name, ex.paid || row.paid, newSt, now, ex.id}
		if newSt == Unsubscribed && ex.status != Unsubscribed {
			q = "UPDATE members SET name = ?, paid = ?, status = ?, updated_at = ?, unsubscribed_at = ? WHERE id = ?"
			args = []any{name, ex.paid || row.paid, newSt, now, unsubTime(newSt, row.unsubscribedAt, now), ex.id}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return 0, 0, err
		}
		if err := w.link(ctx, tx, ex.id, newSt, row); err != nil {
			return 0, 0, err
		}
	}
	return added, updated, nil
}

// link adds a member's labels, and their newsletters unless they are not
// to receive mail.
func (w *importWriter) link(ctx context.Context, tx *store.Tx, id int64, st Status, row *importRow) error {
	for _, l := range append(append([]string{}, w.labels...), row.labels...) {
		if _, err := tx.Exec(ctx, "INSERT INTO member_labels (member_id, label) VALUES (?, ?) ON CONFLICT DO NOTHING", id, l); err != nil {
			return err
		}
	}
	if st != Active && st != Pending {
		return nil
	}
	ns := append([]Newsletter{}, w.base...)
	for _, slug := range row.newsletters {
		n, ok := w.bySlug[slug]
		if !ok {
			w.p.warn(row.line, fmt.Sprintf("newsletter %q does not exist or is retired; left out", clip(slug, 100)))
			continue
		}
		ns = append(ns, n)
	}
	if len(ns) == 0 {
		ns = w.defaults
	}
	return addNewsletters(ctx, tx, id, ns)
}

func lookupMembers(ctx context.Context, tx *store.Tx, batch []*importRow) (map[string]existingMember, error) {
	args := make([]any, len(batch))
	for i, r := range batch {
		args[i] = r.email
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(batch)), ", ") + ")"
	rows, err := tx.Query(ctx, "SELECT id, email, name, status, paid FROM members WHERE email IN "+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]existingMember{}
	for rows.Next() {
		var e existingMember
		var email string
		if err := rows.Scan(&e.id, &email, &e.name, &e.status, &e.paid); err != nil {
			return nil, err
		}
		out[email] = e
	}
	return out, rows.Err()
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// unsubTime is when an imported member left: the file's time, else now.
func unsubTime(st Status, t, now time.Time) time.Time {
	if st != Unsubscribed {
		return time.Time{}
	}
	return orNow(t, now)
}
