package members

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// ExportColumns are ExportCSV's header, in order. email, name, labels and
// created_at are Ghost's names for the same things, so Ghost (and Import)
// read the file back.
var ExportColumns = []string{"email", "name", "status", "newsletters", "labels", "paid", "created_at", "confirmed_at"}

// ExportCSV writes every member the filter selects (its Limit and Offset
// are ignored), oldest first, as CSV with ExportColumns: newsletters as
// comma-separated slugs, labels comma-separated, paid true/false, times in
// RFC 3339 UTC, confirmed_at empty when never.
//
// The file starts with a UTF-8 byte-order mark, without which Excel shows
// Arabic names as mojibake (Import and Ghost both skip it). A name or label
// starting with = + - or @ gets a leading apostrophe, so that a spreadsheet
// does not run a reader-typed formula; Import removes it again. Members
// are read in pages by id, so the export streams in constant memory.
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, f Filter) error {
	where, args, err := f.where()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportColumns); err != nil {
		return err
	}
	var after int64
	for {
		rows, err := s.db.Query(ctx, "SELECT "+memberColumns+" FROM members m WHERE "+where+
			" AND m.id > ? ORDER BY m.id LIMIT ?", append(append([]any{}, args...), after, MaxPageSize)...)
		if err != nil {
			return err
		}
		ms, err := scanMembers(rows)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			break
		}
		if err := loadRelations(ctx, s.db, ms); err != nil {
			return err
		}
		for _, m := range ms {
			slugs := make([]string, len(m.Newsletters))
			for i, n := range m.Newsletters {
				slugs[i] = n.Slug
			}
			labels := make([]string, len(m.Labels))
			for i, l := range m.Labels {
				labels[i] = defuse(l)
			}
			confirmed := ""
			if !m.ConfirmedAt.IsZero() {
				confirmed = m.ConfirmedAt.Format(time.RFC3339)
			}
			if err := cw.Write([]string{m.Email, defuse(m.Name), string(m.Status), strings.Join(slugs, ","),
				strings.Join(labels, ","), strconv.FormatBool(m.Paid), m.CreatedAt.Format(time.RFC3339), confirmed}); err != nil {
				return err
			}
		}
		after = ms[len(ms)-1].ID
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from reading a cell as a formula.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
		return "'" + v
	}
	return v
}
