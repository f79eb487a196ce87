package members

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// column is what a header of an import file means to us.
type column int

const (
	colIgnore column = iota
	colEmail
	colName
	colFirstName
	colLastName
	colCreated     // when they subscribed
	colConfirmed   // when they confirmed
	colUnsubTime   // Mailchimp's unsubscribed export: present means unsubscribed
	colCleanTime   // Mailchimp's cleaned export: present means bounced
	colLabels      // comma-separated
	colNewsletters // comma-separated slugs, as ExportCSV writes them
	colStatus      // ours, or Ghost's free/paid/comped, or words like "unsubscribed"
	colPaid        // a yes/no: Substack's active_subscription, Ghost's complimentary_plan, ours
	colSubscribed  // a yes/no (Ghost's subscribed_to_emails) or a date (Jetpack's "subscribed")
	colDisabled    // Substack's email_disabled: yes means unsubscribed
)

// headerAliases maps normalized headers (see normHeader) of the exports of
// Jetpack, Substack, Ghost and Mailchimp, of our own ExportCSV, and common
// hand-made variants, Arabic included, to columns.
var headerAliases = map[string]column{
	"email": colEmail, "email address": colEmail, "e mail": colEmail, "e mail address": colEmail,
	"mail": colEmail, "subscriber": colEmail, "subscriber email": colEmail, "user email": colEmail,
	"البريد": colEmail, "البريد الإلكتروني": colEmail, "البريد الالكتروني": colEmail,
	"name": colName, "full name": colName, "display name": colName, "الاسم": colName,
	"first name": colFirstName, "fname": colFirstName, "given name": colFirstName,
	"last name": colLastName, "lname": colLastName, "surname": colLastName, "family name": colLastName,
	"created at": colCreated, "created": colCreated, "date subscribed": colCreated, "subscribed at": colCreated,
	"subscription date": colCreated, "signup date": colCreated, "optin time": colCreated, "date": colCreated,
	"joined":       colCreated,
	"confirmed at": colConfirmed, "confirm time": colConfirmed,
	"unsub time": colUnsubTime, "unsubscribed at": colUnsubTime,
	"clean time": colCleanTime,
	"labels":     colLabels, "label": colLabels, "tags": colLabels, "tag": colLabels,
	"newsletters": colNewsletters,
	"status":      colStatus, "subscription status": colStatus, "state": colStatus,
	"paid": colPaid, "active subscription": colPaid, "complimentary plan": colPaid,
	"subscribed": colSubscribed, "subscribed to emails": colSubscribed,
	"email disabled": colDisabled,
}

// normHeader folds the spellings of one header together: "Email Address",
// "email_address" and "EMAIL-ADDRESS" are all "email address".
func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
	h = strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(h)
	return strings.Join(strings.Fields(h), " ")
}

func mapColumns(header []string) ([]column, map[string]bool) {
	cols := make([]column, len(header))
	names := map[string]bool{}
	seen := map[column]bool{}
	for i, h := range header {
		n := normHeader(h)
		names[n] = true
		c := headerAliases[n]
		if c != colIgnore && seen[c] {
			c = colIgnore // the first of two same-meaning columns wins
		}
		seen[c] = true
		cols[i] = c
	}
	return cols, names
}

// detectFormat names the service the file came from, for the members'
// Source ("import:ghost") and the import report.
func detectFormat(h map[string]bool) string {
	switch {
	case h["email address"] && (h["member rating"] || h["optin time"] || h["leid"] || h["euid"]):
		return "mailchimp"
	case h["subscribed to emails"] || h["complimentary plan"] || (h["note"] && h["labels"]):
		return "ghost"
	case h["active subscription"] || h["email disabled"]:
		return "substack"
	case h["date subscribed"] || h["subscribed"]:
		return "jetpack"
	}
	return "csv"
}

// parseRow reads one record. A row without a valid address is reported and
// skipped (ok false); a cell it cannot understand is a warning and the row
// is imported without it.
func (p *parsedImport) parseRow(line int, rec []string, cols []column, allowReserved bool) (*importRow, bool) {
	row := &importRow{line: line}
	var raw, first, last string
	for i, c := range cols {
		v := field(rec, i)
		if v == "" && c != colEmail {
			continue
		}
		switch c {
		case colEmail:
			raw = v
		case colName:
			row.name = v
		case colFirstName:
			first = v
		case colLastName:
			last = v
		case colCreated:
			row.createdAt = p.date(line, v)
		case colConfirmed:
			row.confirmedAt = p.date(line, v)
		case colUnsubTime:
			row.status, row.unsubscribedAt = maxStatus(row.status, Unsubscribed), p.date(line, v)
		case colCleanTime:
			row.status = maxStatus(row.status, Bounced)
		case colLabels:
			row.labels = append(row.labels, p.labels(line, v)...)
		case colNewsletters:
			for _, slug := range strings.Split(v, ",") {
				if slug = strings.TrimSpace(slug); slug != "" {
					row.newsletters = append(row.newsletters, slug)
				}
			}
		case colStatus:
			p.status(line, row, v)
		case colPaid:
			if b, ok := parseBool(v); ok {
				row.paid = row.paid || b
			} else {
				p.warn(line, fmt.Sprintf("paid %q is not yes or no; left unpaid", v))
			}
		case colSubscribed:
			if b, ok := parseBool(v); ok {
				if !b {
					row.status = maxStatus(row.status, Unsubscribed)
				}
			} else if t, ok := parseDate(v); ok {
				if row.createdAt.IsZero() {
					row.createdAt = t
				}
			} else {
				p.warn(line, fmt.Sprintf("subscribed %q is neither yes/no nor a date; ignored", v))
			}
		case colDisabled:
			if b, ok := parseBool(v); ok && b {
				row.status = maxStatus(row.status, Unsubscribed)
			}
		}
	}
	if raw == "" {
		p.fail(line, "no email address")
		return nil, false
	}
	email, err := NormalizeEmail(raw, allowReserved)
	if err != nil {
		var ae *AddressError
		if errors.As(err, &ae) {
			p.fail(line, fmt.Sprintf("%q: %s", clip(raw, 100), ae.Message("en")))
		} else {
			p.fail(line, err.Error())
		}
		return nil, false
	}
	row.email = email
	if row.name == "" {
		row.name = strings.TrimSpace(first + " " + last)
	}
	row.name = cleanName(row.name)
	return row, true
}

func maxStatus(a, b Status) Status {
	if b.rank() > a.rank() || a == "" {
		return b
	}
	return a
}

func (p *parsedImport) labels(line int, v string) []string {
	var out []string
	for _, l := range strings.Split(v, ",") {
		l = strings.Trim(strings.TrimSpace(l), `"`) // Mailchimp quotes each tag
		if len(l) > 1 && l[0] == '\'' && strings.ContainsRune("=+-@", rune(l[1])) {
			l = l[1:] // ExportCSV's guard against formulas
		}
		if l == "" {
			continue
		}
		cl, err := cleanLabel(l)
		if err != nil {
			p.warn(line, fmt.Sprintf("label %q left out: %v", clip(l, 100), err))
			continue
		}
		out = append(out, cl)
	}
	return out
}

func (p *parsedImport) status(line int, row *importRow, v string) {
	switch strings.ToLower(v) {
	case "active", "subscribed", "confirmed", "free", "member", "yes", "true":
	case "paid", "comped", "complimentary":
		row.paid = true
	case "pending", "unconfirmed":
		row.status = maxStatus(row.status, Pending)
	case "unsubscribed", "inactive", "disabled", "opted out", "no", "false":
		row.status = maxStatus(row.status, Unsubscribed)
	case "bounced", "cleaned":
		row.status = maxStatus(row.status, Bounced)
	case "complained", "spam":
		row.status = maxStatus(row.status, Complained)
	default:
		p.warn(line, fmt.Sprintf("status %q not understood; the import's status is used", v))
	}
}

func (p *parsedImport) date(line int, v string) time.Time {
	t, ok := parseDate(v)
	if !ok {
		p.warn(line, fmt.Sprintf("date %q not understood; left out", v))
	}
	return t
}

// dateLayouts are the shapes the four services' exports use, and common
// hand-made ones. Day/month orders that are ambiguous (01/02/2006) are
// deliberately absent: a wrong guess would be silent.
var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700 MST", "2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006/01/02 15:04:05",
	"2006/01/02", "Jan 2, 2006", "January 2, 2006", "2 Jan 2006", "02 Jan 2006 15:04", time.RFC1123Z, time.RFC1123,
}

// parseDate reads a date in UTC (times without a zone are taken as UTC),
// cut to whole seconds as stored.
func parseDate(v string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC().Truncate(time.Second), true
		}
	}
	return time.Time{}, false
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "y", "t", "1", "on", "نعم":
		return true, true
	case "false", "no", "n", "f", "0", "off", "لا":
		return false, true
	}
	return false, false
}
