package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/demo"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
	"nashra.dev/nashra/internal/testenv"
)

// demoQueries must all find the sample article (seed-article.txt): its words
// spelled with the other hamza, alef, taa marbuta and alef maqsura forms,
// with diacritics and tatweel, with clitics and suffixes, and the name of
// Kirill Dmitriev as the article spells it (twice) and otherwise.
var demoQueries = []struct{ kind, q string }{
	{"as written", "الكرملين"},
	{"as written", "محادثات"},
	{"hamza/alef", "الامريكيين"},
	{"hamza/alef", "اوكرانيا"},
	{"hamza/alef", "إستعادة العلاقات"},
	{"hamza/alef", "الارض النادرة"},
	{"hamza/alef", "اجرى"},
	{"hamza carrier", "مسئول"},
	{"hamza carrier", "تفائل حذر"},
	{"taa marbuta", "الثنائيه"},
	{"taa marbuta", "المتحده"},
	{"taa marbuta", "زياره"},
	{"alef maqsura", "اعلي"},
	{"alef maqsura", "التقي"},
	{"diacritics", "الكَرْمَلِينُ"},
	{"diacritics", "مُحَادَثَاتٌ"},
	{"tatweel", "الكرمـــلين"},
	{"tatweel", "ديمتـريـيف"},
	{"digits", "٢٠٢٢"},
	{"prefix و", "والكرملين"},
	{"prefix ف", "فالكرملين"},
	{"prefix ب", "بواشنطن"},
	{"prefix ك", "كالكرملين"},
	{"prefix ل", "لموسكو"},
	{"prefix ال", "الصندوق"},
	{"prefixes وب", "وبمحادثات"},
	{"prefix ل name", "لبوتين"},
	{"prefix و name", "وترامب"},
	{"suffix ها", "محادثاتها"},
	{"suffix ها", "علاقاتها"},
	{"suffix ات", "الزيارات"},
	{"suffix ات", "مبعوثات"},
	{"suffix ون", "مسؤولون"},
	{"suffix ون", "المفاوضون"},
	{"suffix ين", "مسؤولين"},
	{"suffix ين", "الدبلوماسيين"},
	{"suffix ية", "روسية"},
	{"suffix ية", "الدبلوماسية"},
	{"name, first spelling", "ديمترييف"},
	{"name, second spelling", "ديميتريف"},
	{"name, other spelling", "دميتريف"},
	{"name, other spelling", "ديمتريف"},
	{"name with first name", "كيريل ديميتريف"},
	{"name", "ترمب"},
	{"name", "غراهام"},
	{"name", "ويتكوف"},
	{"english", "NBC News"},
	{"phrase", `"البيت الأبيض"`},
	{"phrase", `"القطب الشمالي"`},
	{"or", "ديمترييف OR غيغاواط"},
}

// demoSite loads the demo content into db and indexes it.
func demoSite(t *testing.T, db *store.DB) (*Index, *content.Service, string) {
	t.Helper()
	ctx := context.Background()
	clk := newClock()
	cs := content.New(db, clk.now)
	res, err := demo.Load(ctx, demo.Services{Content: cs, Staff: staff.New(db, clk.now), Settings: settings.New(db)},
		demo.Options{Fixtures: testenv.Fixtures(t), UploadsDir: t.TempDir()})
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	if res.SampleSlug == "" {
		t.Fatal("the demo did not load the sample article")
	}
	x := New(db, clk.now)
	if err := x.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return x, cs, res.SampleSlug
}

// resultList is a search's hits as slugs and scores, to compare stores.
func resultList(t *testing.T, cs *content.Service, res *Results) []string {
	t.Helper()
	var out []string
	for _, h := range res.Hits {
		p, err := cs.PostByID(context.Background(), h.PostID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s:%.4f", p.Slug, h.Score))
	}
	return out
}

// TestDemoQueries runs the query set over the demo content on both stores:
// every query finds the sample article, first unless the query names
// another story too; the sample article is not found where it should not
// be; and both stores give the same result lists.
func TestDemoQueries(t *testing.T) {
	var mu sync.Mutex
	lists := map[string]map[string][]string{} // store → query → results
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x, cs, sample := demoSite(t, db)
		got := map[string][]string{}
		found := 0
		for _, c := range demoQueries {
			res, err := x.SearchText(ctx, c.q, Filter{})
			if err != nil {
				t.Errorf("%s %q: %v", c.kind, c.q, err)
				continue
			}
			list := resultList(t, cs, res)
			got[c.q] = list
			pos := -1
			for i, r := range list {
				if strings.HasPrefix(r, sample+":") {
					pos = i
				}
			}
			switch {
			case pos < 0:
				t.Errorf("%s %q: the sample article is not found (got %v; query %s)", c.kind, c.q, list, res.Query)
			case pos > 0 && c.kind != "or":
				t.Errorf("%s %q: the sample article is hit %d, not first: %v", c.kind, c.q, pos+1, list)
			default:
				found++
			}
		}
		t.Logf("%s: %d of %d queries find the sample article", db.Dialect(), found, len(demoQueries))

		// Precision: words of other stories, and an exclusion.
		for _, q := range []string{"الطاقة الشمسية", "البرمجة", "معرض الكتاب", "solar plant", "محادثات -ديمترييف"} {
			res, err := x.SearchText(ctx, q, Filter{})
			if err != nil {
				t.Errorf("%q: %v", q, err)
				continue
			}
			list := resultList(t, cs, res)
			got[q] = list
			for _, r := range list {
				if strings.HasPrefix(r, sample+":") {
					t.Errorf("%q finds the sample article: %v", q, list)
				}
			}
			if len(list) == 0 && !strings.Contains(q, "-") {
				t.Errorf("%q finds nothing", q)
			}
		}
		// The snippet shows the match, escaped and marked.
		res, err := x.SearchText(ctx, "ديميتريف", Filter{})
		if err != nil || len(res.Hits) == 0 {
			t.Fatalf("snippet query: %v", err)
		}
		if s := string(res.Hits[0].Snippet); !strings.Contains(s, "<mark>") || strings.Contains(s, "<script") {
			t.Errorf("snippet %q has no <mark>", s)
		}
		mu.Lock()
		lists[string(db.Dialect())] = got
		mu.Unlock()
	})
	sq, pg := lists["sqlite"], lists["postgres"]
	if sq == nil || pg == nil {
		t.Log("only one store ran: nothing to compare")
		return
	}
	same := 0
	for q, a := range sq {
		if strings.Join(a, " ") != strings.Join(pg[q], " ") {
			t.Errorf("%q: SQLite gives %v, PostgreSQL %v", q, a, pg[q])
		} else {
			same++
		}
	}
	t.Logf("SQLite and PostgreSQL give the same result list for %d of %d queries", same, len(sq))
}

// hostileQueries are queries full of FTS5, tsquery and SQL syntax, and
// text no one should have to type.
func hostileQueries() []string {
	return []string{
		`"`, `""`, `"الكرملين`, `الكرملين"`, `"" "" ""`, `'`, `''`, `' OR 1=1 --`, `" OR ""="`,
		`'; DROP TABLE posts; --`, `1; DELETE FROM search_docs`, `AND`, `OR`, `NOT`, `AND OR NOT`, `OR الكرملين`,
		`الكرملين OR`, `الكرملين AND AND OR`, `NOT الكرملين`, `-الكرملين`, `- - -`, `NEAR(الكرملين محادثات)`,
		`NEAR/3`, `الكرملين*`, `*`, `^الكرملين`, `^`, `title_terms:الكرملين`, `{title_terms body_terms}: x`,
		`:`, `::`, `(`, `)`, `((الكرملين)`, `()`, `[الكرملين]`, `{}`, `\`, `\\'`, `$1`, `?`, `??`, `%`, `_%_`,
		`الكرملين & محادثات`, `الكرملين | محادثات`, `!الكرملين`, `<->`, `الكرملين <-> محادثات`, `'الكرملين':*`,
		`الكرملين:A`, "\x00", "الكرملين\x00محادثات", "\xff\xfe\xfd", "الكرم\xffلين", "\u202eالكرملين\u202c",
		"🙂🙂", "؟!،", strings.Repeat("ديمترييف ", 1200), strings.Repeat("x", 10<<10), strings.Repeat(`"a" OR `, 2000),
		strings.Repeat("-", 10000), strings.Repeat("الكرملين\xff", 1100),
	}
}

// TestHostileQueries: every hostile query gives results or ErrBadQuery,
// never a store error or a panic, on both stores.
func TestHostileQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x, _, _ := demoSite(t, db)
		results, bad := 0, 0
		for _, q := range hostileQueries() {
			for _, f := range []Filter{{}, {Sort: ByDate}, {Drafts: true, Limit: 1000, Offset: 5}, {From: time.Unix(0, 0), To: time.Now(), Lang: "ar"}} {
				res, err := x.SearchText(ctx, q, f)
				switch {
				case errors.Is(err, ErrBadQuery):
					bad++
				case err != nil:
					t.Errorf("%.40q: %v", q, err)
				case res == nil:
					t.Errorf("%.40q: no results and no error", q)
				default:
					results++
				}
			}
		}
		t.Logf("%s: %d hostile searches gave results, %d a clear ErrBadQuery", db.Dialect(), results, bad)
	})
}
