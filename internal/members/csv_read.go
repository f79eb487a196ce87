package members

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// maxImportBytes bounds an import file: the rows are held in memory to
// merge duplicates and report progress against a known total. 200 MB is
// well over a million subscribers.
const maxImportBytes = 200 << 20

// maxReported bounds the row errors and warnings an import reports; the
// counts stay exact.
const maxReported = 1000

// importRow is one address of an import file, after merging its rows.
type importRow struct {
	line           int // the first line it appeared on
	email, name    string
	status         Status // "" : the import's status
	paid           bool
	labels         []string
	newsletters    []string // slugs named by the file
	createdAt      time.Time
	confirmedAt    time.Time
	unsubscribedAt time.Time
}

// parsedImport is a whole file read, before anything is written.
type parsedImport struct {
	rows     []*importRow
	format   string
	ignored  []string
	skipped  int
	merged   int
	errors   []RowError
	warnings []RowError
}

func (p *parsedImport) fail(line int, msg string) {
	p.skipped++
	if len(p.errors) < maxReported {
		p.errors = append(p.errors, RowError{Line: line, Msg: msg})
	}
}

func (p *parsedImport) warn(line int, msg string) {
	if len(p.warnings) < maxReported {
		p.warnings = append(p.warnings, RowError{Line: line, Msg: msg})
	}
}

// decodeCSV reads the whole file as UTF-8 text: a UTF-8 byte-order mark is
// dropped, UTF-16 with a byte-order mark (Excel's "Unicode text") is
// converted, and anything else that is not UTF-8 is refused whole rather
// than imported as mojibake.
func decodeCSV(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCSV, err)
	}
	if len(data) > maxImportBytes {
		return nil, fmt.Errorf("%w: the file is larger than %d MB; split it", ErrBadCSV, maxImportBytes>>20)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		if data, err = dec.Bytes(data); err != nil {
			return nil, fmt.Errorf("%w: bad UTF-16 text: %w", ErrBadCSV, err)
		}
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf(`%w: the file is not UTF-8 text (in Excel, save it as "CSV UTF-8")`, ErrBadCSV)
	}
	return data, nil
}

// sniffSeparator picks the field separator from the header line: whichever
// of comma, semicolon (Excel in many locales) and tab occurs most outside
// quotes; comma when none does.
func sniffSeparator(data []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(data[:min(len(data), 64<<10)]) {
		if r == '"' {
			quoted = !quoted
		}
		if r == '\n' && !quoted {
			break
		}
		if !quoted && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// parseImport reads every row of an import file, checks the addresses and
// merges rows that repeat an address. Only a file that cannot be read at
// all (not text, no header, no email column) is an error; a bad row is
// reported with its line and skipped.
func parseImport(r io.Reader, allowReserved bool) (*parsedImport, error) {
	data, err := decodeCSV(r)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffSeparator(data)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: the file is empty", ErrBadCSV)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: the header line cannot be read: %w", ErrBadCSV, err)
	}
	cols, names := mapColumns(header)
	p := &parsedImport{format: detectFormat(names)}
	hasEmail := false
	for i, c := range cols {
		hasEmail = hasEmail || c == colEmail
		if c == colIgnore && strings.TrimSpace(header[i]) != "" {
			p.ignored = append(p.ignored, strings.TrimSpace(header[i]))
		}
	}
	if !hasEmail {
		return nil, fmt.Errorf("%w: no email column among %q (expected one named email, Email Address…)", ErrBadCSV, header)
	}
	byEmail := map[string]*importRow{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.fail(pe.StartLine, "unreadable row: "+pe.Err.Error())
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadCSV, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		row, ok := p.parseRow(line, rec, cols, allowReserved)
		if !ok {
			continue
		}
		if prev := byEmail[row.email]; prev != nil {
			prev.merge(row)
			p.merged++
			continue
		}
		byEmail[row.email] = row
		p.rows = append(p.rows, row)
	}
	return p, nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// merge folds a later row for the same address into r: the first name
// given wins, labels and newsletters add up, paid if either says so, the
// earliest dates, and the status that restricts mail most (see Status.rank).
func (r *importRow) merge(o *importRow) {
	if r.name == "" {
		r.name = o.name
	}
	r.status = maxStatus(r.status, o.status)
	r.paid = r.paid || o.paid
	r.labels = append(r.labels, o.labels...)
	r.newsletters = append(r.newsletters, o.newsletters...)
	for _, p := range [][2]*time.Time{{&r.createdAt, &o.createdAt}, {&r.confirmedAt, &o.confirmedAt},
		{&r.unsubscribedAt, &o.unsubscribedAt}} {
		if p[0].IsZero() || (!p[1].IsZero() && p[1].Before(*p[0])) {
			*p[0] = *p[1]
		}
	}
}

// field reads a cell, undoing the leading apostrophe ExportCSV adds before
// = + - @ to keep spreadsheets from running it as a formula.
func field(rec []string, i int) string {
	if i >= len(rec) {
		return ""
	}
	v := strings.TrimSpace(rec[i])
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		v = v[1:]
	}
	return v
}
