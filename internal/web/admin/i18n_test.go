package admin

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"nashra.dev/nashra/internal/comments"
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
	keys["cs_all"] = "comment tabs"
	for _, st := range comments.Statuses {
		keys["cs_"+string(st)] = "comment tabs"
	}
	for _, a := range commentActions {
		keys["ca_"+string(a)] = "comment actions"
		keys["flash_cm_"+string(a)] = "comment actions"
	}
	for _, st := range append(comments.Statuses, "") {
		for _, a := range actionsFor(st) {
			if !slices.Contains(commentActions, a) {
				t.Errorf("action %q offered on %q comments is not in commentActions", a, st)
			}
		}
	}
	for _, k := range []comments.BlockKind{comments.BlockWord, comments.BlockEmail, comments.BlockDomain, comments.BlockIP} {
		keys["bk_"+string(k)] = "blocklist kinds"
	}
	for _, e := range []comments.BlockEffect{comments.EffectSpam, comments.EffectHold} {
		keys["be_"+string(e)] = "blocklist effects"
	}
	// The refusals of the comments service the admin can meet, worded by
	// field and code (commentError).
	for _, k := range []string{"name_required", "name_too_long", "url_bad_url", "url_too_long", "body_required", "body_too_long",
		"email_required", "email_too_long", "email_bad_email", "value_bad_word", "value_bad_domain", "value_bad_ip",
		"kind_bad_kind", "effect_bad_effect", "parent_bad_parent", "status_bad_status", "action_bad_action"} {
		keys["cv_"+k] = "comment refusals"
	}
	wireKeys(keys)
	if len(keys) < 150 {
		t.Fatalf("found only %d keys: the patterns no longer match the templates", len(keys))
	}
	for key, where := range keys {
		for _, lang := range []string{"ar", "en"} {
			_, a := messages[lang][key]
			_, b := readerMessages[lang][key]
			_, c := commentMessages[lang][key]
			_, d := wireMessages[lang][key]
			if !a && !b && !c && !d {
				t.Errorf("%s: no %s message for %q", where, lang, key)
			}
		}
	}
}
