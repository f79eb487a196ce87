package members

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// Page sizes for List and ActiveRecipients.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Filter selects members for the admin's list and CSV export. Zero fields
// select everything.
type Filter struct {
	// Query matches a substring of the address or the name, ignoring case
	// (on SQLite, case is folded for ASCII letters only). % and _ match
	// themselves.
	Query        string
	Status       Status
	Label        string
	NewsletterID int64
	// Limit (default DefaultPageSize, at most MaxPageSize) and Offset page
	// through List; ExportCSV ignores them and writes every match.
	Limit, Offset int
}

// where renders the filter as SQL over "members m".
func (f Filter) where() (string, []any, error) {
	conds := []string{"1 = 1"}
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		pat := "%" + escapeLike(strings.ToLower(clip(q, 254))) + "%"
		conds = append(conds, `(m.email LIKE ? ESCAPE '\' OR LOWER(m.name) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return "", nil, fmt.Errorf("%w: unknown status %q (pending, active, unsubscribed, bounced, complained)", ErrInvalid, f.Status)
		}
		conds = append(conds, "m.status = ?")
		args = append(args, f.Status)
	}
	if f.Label != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM member_labels l WHERE l.member_id = m.id AND l.label = ?)")
		args = append(args, f.Label)
	}
	if f.NewsletterID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM member_newsletters mn WHERE mn.member_id = m.id AND mn.newsletter_id = ?)")
		args = append(args, f.NewsletterID)
	}
	return strings.Join(conds, " AND "), args, nil
}

// escapeLike makes s match itself literally in a LIKE … ESCAPE '\' pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// List returns one page of the members the filter selects, newest first,
// with their newsletters and labels, and how many match in all.
func (s *Service) List(ctx context.Context, f Filter) ([]Member, int, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return nil, 0, fmt.Errorf("%w: limit and offset cannot be negative", ErrInvalid)
	}
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	f.Limit = min(f.Limit, MaxPageSize)
	where, args, err := f.where()
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM members m WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+memberColumns+" FROM members m WHERE "+where+
		" ORDER BY m.id DESC LIMIT ? OFFSET ?", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	ms, err := scanMembers(rows)
	if err != nil {
		return nil, 0, err
	}
	if err := loadRelations(ctx, s.db, ms); err != nil {
		return nil, 0, err
	}
	return ms, total, nil
}

// Get returns the member with id, with newsletters and labels, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (*Member, error) {
	m, err := memberWhere(ctx, s.db, "m.id = ?", id)
	if err != nil {
		return nil, err
	}
	one := []Member{*m}
	if err := loadRelations(ctx, s.db, one); err != nil {
		return nil, err
	}
	return &one[0], nil
}

// ByEmail returns the member with email (normalized as NormalizeEmail
// does), with newsletters and labels, or ErrNotFound.
func (s *Service) ByEmail(ctx context.Context, email string) (*Member, error) {
	m, err := memberWhere(ctx, s.db, "m.email = ?", lookupEmail(email))
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, m.ID)
}

// lookupEmail is the stored form of an address to look up: normalized when
// it is valid, else trimmed and lowercased (a webhook may report an
// address our rules would now refuse).
func lookupEmail(email string) string {
	if e, err := NormalizeEmail(email, true); err == nil {
		return e
	}
	return strings.ToLower(strings.TrimSpace(email))
}

// SetStatus sets a member's status by hand. Unlike a reader's Unsubscribe,
// it keeps their newsletters, so that setting them back restores what they
// had; leaving records UnsubscribedAt. Activating by hand does not record a
// confirmation: ConfirmedAt stays the reader's own consent.
func (s *Service) SetStatus(ctx context.Context, id int64, st Status) error {
	if !st.Valid() {
		return fmt.Errorf("%w: unknown status %q (pending, active, unsubscribed, bounced, complained)", ErrInvalid, st)
	}
	now := s.clock()
	q := "UPDATE members SET status = ?, updated_at = ? WHERE id = ?"
	args := []any{st, now, id}
	if st == Unsubscribed {
		q = "UPDATE members SET status = ?, updated_at = ?, unsubscribed_at = ? WHERE id = ?"
		args = []any{st, now, now, id}
	}
	res, err := s.db.Exec(ctx, q, args...)
	return affectedOne(res, err)
}

// SetPaid grants or withdraws paid access (payments come later).
func (s *Service) SetPaid(ctx context.Context, id int64, paid bool) error {
	res, err := s.db.Exec(ctx, "UPDATE members SET paid = ?, updated_at = ? WHERE id = ?", paid, s.clock(), id)
	return affectedOne(res, err)
}

// cleanLabel validates a label: 1 to 100 characters, no comma (CSV files
// list labels separated by commas, so a comma would split it on re-import).
func cleanLabel(label string) (string, error) {
	l := collapse(label)
	if l == "" || utf8.RuneCountInString(l) > 100 {
		return "", fmt.Errorf("%w: a label needs 1 to 100 characters", ErrInvalid)
	}
	if strings.Contains(l, ",") {
		return "", fmt.Errorf("%w: a label cannot contain a comma: %q", ErrInvalid, l)
	}
	return l, nil
}

// AddLabel tags a member; a label they already have is not an error.
func (s *Service) AddLabel(ctx context.Context, id int64, label string) error {
	l, err := cleanLabel(label)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, "INSERT INTO member_labels (member_id, label) VALUES (?, ?) ON CONFLICT DO NOTHING", id, l)
	if errors.Is(err, store.ErrReference) {
		return fmt.Errorf("%w: no such member", ErrNotFound)
	}
	return err
}

// RemoveLabel untags a member; removing a label they lack is not an error.
func (s *Service) RemoveLabel(ctx context.Context, id int64, label string) error {
	_, err := s.db.Exec(ctx, "DELETE FROM member_labels WHERE member_id = ? AND label = ?", id, collapse(label))
	return err
}

// LabelCount is a label and how many members carry it.
type LabelCount struct {
	Label   string
	Members int
}

// Labels lists every label in use, alphabetically, for the admin's filter.
func (s *Service) Labels(ctx context.Context) ([]LabelCount, error) {
	rows, err := s.db.Query(ctx, "SELECT label, COUNT(*) FROM member_labels GROUP BY label ORDER BY label")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LabelCount
	for rows.Next() {
		var lc LabelCount
		if err := rows.Scan(&lc.Label, &lc.Members); err != nil {
			return nil, err
		}
		out = append(out, lc)
	}
	return out, rows.Err()
}

// MarkBounced records that mail to email failed permanently: nothing more
// is sent to it. A complaint is not downgraded to a bounce. An address no
// member has is ErrNotFound (the webhook may report mail sent before a
// member deleted themselves).
func (s *Service) MarkBounced(ctx context.Context, email string) error {
	return s.suppress(ctx, email, Bounced)
}

// MarkComplained records that the reader at email marked our mail as spam:
// nothing more is sent to it.
func (s *Service) MarkComplained(ctx context.Context, email string) error {
	return s.suppress(ctx, email, Complained)
}

func (s *Service) suppress(ctx context.Context, email string, st Status) error {
	addr := lookupEmail(email)
	res, err := s.db.Exec(ctx, "UPDATE members SET status = ?, updated_at = ? WHERE email = ? AND status <> ?",
		st, s.clock(), addr, Complained)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = memberWhere(ctx, s.db, "m.email = ?", addr)
	return err // nil when they exist and had complained already
}

// ActiveRecipients returns up to limit active members subscribed to
// newsletterID whose id is above afterID, by id: the delivery engine pages
// with the last id it got, so a page is stable however the list changes
// meanwhile. Members come without Newsletters and Labels; Frequency tells
// digest readers apart.
func (s *Service) ActiveRecipients(ctx context.Context, newsletterID, afterID int64, limit int) ([]Member, error) {
	if limit <= 0 || limit > MaxPageSize*10 {
		return nil, fmt.Errorf("%w: limit must be 1 to %d", ErrInvalid, MaxPageSize*10)
	}
	rows, err := s.db.Query(ctx, `SELECT `+memberColumns+`
		FROM member_newsletters mn JOIN members m ON m.id = mn.member_id
		WHERE mn.newsletter_id = ? AND mn.member_id > ? AND m.status = ?
		ORDER BY mn.member_id LIMIT ?`, newsletterID, afterID, Active, limit)
	if err != nil {
		return nil, err
	}
	return scanMembers(rows)
}
