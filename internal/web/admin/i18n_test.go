package admin

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/newsletter"
	"nashra.dev/nashra/internal/staff"
)

// TestEveryMessageIsTranslated: each key the admin's templates and
// handlers name, and each key they build from a known set of values, has
// an Arabic and an English message, so no page shows a bare key.
func TestEveryMessageIsTranslated(t *testing.T) {
	keys := map[string]string{} // key → where it was seen
	literal := regexp.MustCompile(`\bT (?:\$L|\$\.Lang|\.Lang) "([a-z0-9_]+)"`)
	goLiteral := regexp.MustCompile(`\btr\([A-Za-z.]+, "([a-z0-9_]+)"\)|flash\(w, "([a-z0-9_]+)"\)|"(send_(?:paused|resumed|cancelled))"`)
	err := fs.WalkDir(files, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = path
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range gofiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goLiteral.FindAllStringSubmatch(string(b), -1) {
			switch {
			case m[1] != "":
				keys[m[1]] = f
			case m[2] != "":
				keys["flash_"+m[2]] = f
			default:
				keys["flash_"+m[3]] = f
			}
		}
	}
	for _, st := range members.Statuses {
		keys["ms_"+string(st)] = "members.Statuses"
	}
	for _, r := range []staff.Role{staff.Owner, staff.Administrator, staff.Editor, staff.Author, staff.Contributor} {
		keys["role_"+string(r)] = "staff roles"
	}
	for _, k := range []string{"save", "autosave", "restore", string(newsletter.KindPost), string(newsletter.KindDigest)} {
		keys["kind_"+k] = "kinds"
	}
	for _, c := range []newsletter.Cadence{newsletter.CadenceEvery, newsletter.CadenceDaily, newsletter.CadenceWeekly} {
		keys["cadence_"+string(c)] = "cadences"
	}
	for _, s := range []newsletter.Status{newsletter.StatusSending, newsletter.StatusPaused, newsletter.StatusDone, newsletter.StatusCancelled} {
		keys["send_"+string(s)] = "send statuses"
	}
	for _, e := range []members.MailEventType{members.EventBounce, members.EventComplaint} {
		keys["event_"+string(e)] = "mail events"
	}
	for d := range 7 {
		keys["weekday_"+string(rune('0'+d))] = "weekdays"
	}
	if len(keys) < 150 {
		t.Fatalf("found only %d keys: the patterns no longer match the templates", len(keys))
	}
	for key, where := range keys {
		for _, lang := range []string{"ar", "en"} {
			_, a := messages[lang][key]
			_, b := readerMessages[lang][key]
			_, c := commentMessages[lang][key]
			if !a && !b && !c {
				t.Errorf("%s: no %s message for %q", where, lang, key)
			}
		}
	}
}
