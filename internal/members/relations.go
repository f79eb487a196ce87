package members

import (
	"context"
	"strings"
)

// loadRelations fills the Newsletters and Labels of ms with two queries in
// all, whatever the page size (at most MaxPageSize members, well under the
// placeholder limits of both databases).
func loadRelations(ctx context.Context, q querier, ms []Member) error {
	if len(ms) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(ms))
	args := make([]any, len(ms))
	for i := range ms {
		idx[ms[i].ID] = i
		args[i] = ms[i].ID
		ms[i].Newsletters, ms[i].Labels = []Newsletter{}, []string{}
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ms)), ", ") + ")"

	rows, err := q.Query(ctx, "SELECT mn.member_id, "+newsletterColumns+
		" FROM member_newsletters mn JOIN newsletters n ON n.id = mn.newsletter_id WHERE mn.member_id IN "+in+
		" ORDER BY n.position, n.id", args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var n Newsletter
		if err := rows.Scan(append([]any{&id}, n.dest()...)...); err != nil {
			rows.Close()
			return err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		ms[idx[id]].Newsletters = append(ms[idx[id]].Newsletters, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, "SELECT member_id, label FROM member_labels WHERE member_id IN "+in+" ORDER BY label", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l string
		if err := rows.Scan(&id, &l); err != nil {
			return err
		}
		ms[idx[id]].Labels = append(ms[idx[id]].Labels, l)
	}
	return rows.Err()
}

// memberNewsletters returns the newsletters a member is linked to.
func memberNewsletters(ctx context.Context, q querier, memberID int64) ([]Newsletter, error) {
	rows, err := q.Query(ctx, "SELECT "+newsletterColumns+
		" FROM member_newsletters mn JOIN newsletters n ON n.id = mn.newsletter_id WHERE mn.member_id = ?"+
		" ORDER BY n.position, n.id", memberID)
	if err != nil {
		return nil, err
	}
	return scanNewsletters(rows)
}
