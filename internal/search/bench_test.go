package search

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/bench/benchsite"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// The search benchmark fills a store with generated articles (bench/benchsite:
// Arabic news copy of 2–5 KB, some English editions, tags and categories),
// builds the index, and times one- and two-word queries. It runs only when
// NASHRA_SEARCH_BENCH names the number of articles; see bench/README.md.
//
//	NASHRA_SEARCH_BENCH=100000 NASHRA_TEST_POSTGRES=postgres://… \
//	  go test -run TestSearchBenchmark -v -timeout 3h ./internal/search/
//
// NASHRA_SEARCH_BENCH_STORES=sqlite (or postgres) runs one store only;
// NASHRA_SEARCH_BENCH_CACHE=DIR keeps the filled SQLite site (before
// indexing) in DIR and reuses it on the next run, and
// NASHRA_SEARCH_BENCH_PG_SCHEMA=NAME does the same with a PostgreSQL schema.

var benchOneWord = []string{
	"الرياض", "القاهرة", "مستشفى", "الانتخابات", "البطالة", "الميناء", "الجفاف", "البرلمان", "Reuters", "NASA",
	"القمح", "مهرجان", "الضواحي", "البورصة", "لقاحات", "طرابلس", "الإسكندرية", "المعبر", "الفائدة", "اثري",
	"مستشفي", "Siemens", "economy", "تحلية", "الأقمار", "موسيقى", "الحصاد", "زلزال", "ديمترييف", "بالمستشفيات",
}

var benchTwoWords = []string{
	"أسعار الغذاء", "مستشفى القاهرة", "الطاقة الشمسية", "البنك الدولي", "قطار الضواحي", "الذكاء الاصطناعي",
	"انتخابات بيروت", "الميناء دبي", "الجفاف الزراعة", "موازنة العام", "تحلية المياه", "البطالة تونس",
	"القمح المحلي", "المنتخب الناشئين", "الفائدة مسقط", "الصحة الرقمية", "حماية البيانات", "خط قطار",
	"مهرجان الفيلم", "الأمم المتحدة", "food prices", "منظمة الصحة", "زلزال بغداد", "الحرارة عقود",
}

func TestSearchBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("NASHRA_SEARCH_BENCH"))
	if n <= 0 {
		t.Skip("set NASHRA_SEARCH_BENCH=100000 to run the search benchmark")
	}
	stores := os.Getenv("NASHRA_SEARCH_BENCH_STORES")
	if stores == "" {
		stores = "sqlite,postgres"
	}
	for _, name := range strings.Split(stores, ",") {
		t.Run(name, func(t *testing.T) {
			var db *store.DB
			if name == "sqlite" {
				db = benchSQLite(t, n)
			} else {
				db = benchPostgres(t, n)
			}
			runBench(t, db, n)
		})
	}
}

// fillChunk is how many articles one benchsite.Fill writes: its English
// editions reuse six headlines, whose slugs run out (at 999 each) a little
// past 80,000 articles. Larger sites are filled a chunk at a time, the
// posts, authors and categories of the previous chunks renamed and set
// aside (as drafts) so that Fill finds an empty site, then published again.
const fillChunk = 50000

func fillBench(t *testing.T, db *store.DB, n int) {
	ctx := context.Background()
	start := time.Now()
	for chunk, left := 0, n; left > 0; chunk++ {
		size := min(left, fillChunk)
		if chunk > 0 {
			for _, q := range []string{
				"UPDATE posts SET status = 'draft', slug = slug || '-c' || CAST(id AS TEXT) WHERE status = 'published'",
				"UPDATE users SET email = 'c' || CAST(id AS TEXT) || '-' || email",
				"UPDATE categories SET slug = slug || '-c' || CAST(id AS TEXT)",
			} {
				if _, err := db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}
		done := n - left
		_, err := benchsite.Fill(ctx, db, benchsite.Options{Posts: size, MinBody: 2 << 10, MaxBody: 5 << 10, Seed: uint64(1 + chunk),
			Progress: func(d, _ int) {
				if (done+d)%10000 == 0 {
					t.Logf("filled %d of %d (%s)", done+d, n, time.Since(start).Round(time.Second))
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		left -= size
	}
	if _, err := db.Exec(ctx, "UPDATE posts SET status = 'published' WHERE status = 'draft'"); err != nil {
		t.Fatal(err)
	}
	settle(t, db)
	t.Logf("%s: filled %d articles in %s (not part of the index build)", db.Dialect(), n, time.Since(start).Round(time.Second))
}

// settle has the store catch up as a live site's would have (autovacuum):
// without it PostgreSQL plans with no statistics and spends the index
// build vacuuming the fill's dead rows.
func settle(t *testing.T, db *store.DB) {
	q := "ANALYZE"
	if db.Dialect() == store.Postgres {
		q = "VACUUM ANALYZE"
	}
	if _, err := db.Exec(context.Background(), q); err != nil {
		t.Fatal(err)
	}
}

// benchPostgres opens a filled PostgreSQL site: a fresh schema, or the
// schema NASHRA_SEARCH_BENCH_PG_SCHEMA names, kept between runs (filled
// when empty, its search index emptied).
func benchPostgres(t *testing.T, n int) *store.DB {
	schema := pgIdent(os.Getenv("NASHRA_SEARCH_BENCH_PG_SCHEMA"))
	if schema == "" {
		db := storetest.Postgres(t)
		fillBench(t, db, n)
		return db
	}
	ctx := context.Background()
	base := os.Getenv("NASHRA_TEST_POSTGRES")
	admin, err := store.Open(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema)
	admin.Close()
	if err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	db, err := store.Open(ctx, base+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var posts int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM posts").Scan(&posts); err != nil {
		t.Fatal(err)
	}
	if posts == 0 {
		fillBench(t, db, n)
	} else {
		t.Logf("using the filled schema %s (%d posts)", schema, posts)
		if _, err := db.Exec(ctx, "TRUNCATE search_docs"); err != nil {
			t.Fatal(err)
		}
		settle(t, db)
	}
	return db
}

// pgIdent keeps a schema name to letters, digits and underscores.
func pgIdent(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			return r
		}
		return -1
	}, strings.ToLower(s))
}

// benchSQLite opens a filled SQLite site, from the cache when there is one.
func benchSQLite(t *testing.T, n int) *store.DB {
	ctx := context.Background()
	cache := os.Getenv("NASHRA_SEARCH_BENCH_CACHE")
	path := filepath.Join(t.TempDir(), "nashra.db")
	cached := ""
	if cache != "" {
		cached = filepath.Join(cache, fmt.Sprintf("bench-%d.db", n))
		if err := copyFile(cached, path); err == nil {
			t.Logf("using the filled site %s", cached)
			cached = ""
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var posts int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM posts").Scan(&posts); err != nil {
		t.Fatal(err)
	}
	if posts == 0 {
		fillBench(t, db, n)
		if cached != "" {
			if err := os.MkdirAll(cache, 0o750); err == nil {
				_ = os.Remove(cached)
				if _, err := db.Exec(ctx, "VACUUM INTO ?", cached); err != nil {
					t.Logf("cache the filled site: %v", err)
				}
			}
		}
	}
	return db
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func runBench(t *testing.T, db *store.DB, n int) {
	ctx := context.Background()
	x := New(db, time.Now)
	start := time.Now()
	last := time.Now()
	err := x.Reindex(ctx, func(done, total int) {
		if time.Since(last) > 30*time.Second {
			t.Logf("indexed %d of %d (%s)", done, total, time.Since(start).Round(time.Second))
			last = time.Now()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	build := time.Since(start)
	t.Logf("%s: index build of %d articles: %s (%.0f articles/s); index size %s",
		db.Dialect(), n, build.Round(time.Second), float64(n)/build.Seconds(), indexSize(t, db))

	for _, set := range []struct {
		name    string
		queries []string
	}{{"one word", benchOneWord}, {"two words", benchTwoWords}} {
		for _, sort := range []Sort{ByRelevance, ByDate} {
			var lat []time.Duration
			var totals []int
			for round := range 4 {
				for _, q := range set.queries {
					t0 := time.Now()
					res, err := x.SearchText(ctx, q, Filter{Sort: sort})
					d := time.Since(t0)
					if err != nil {
						t.Fatalf("%q: %v", q, err)
					}
					if round == 0 {
						totals = append(totals, res.Total)
						continue // warm-up
					}
					lat = append(lat, d)
				}
			}
			slices.Sort(lat)
			slices.Sort(totals)
			matches := ""
			if db.Dialect() == store.SQLite && sort == ByRelevance {
				matches = "; uncapped " + ftsCounts(t, db, x, set.queries)
			}
			t.Logf("%s | %s | %s | %d queries × 3 | p50 %s | p95 %s | max %s | Total %d–%d (median %d)%s",
				db.Dialect(), set.name, sort, len(set.queries), pct(lat, 50), pct(lat, 95), lat[len(lat)-1].Round(10*time.Microsecond),
				totals[0], totals[len(totals)-1], totals[len(totals)/2], matches)
		}
	}
	// Following content, measured last (aging every post bloats the
	// tables for a while): a full pass with nothing to do, then an
	// incremental pass after one edit, the rest of the archive saved a day
	// before the previous pass.
	x.cursor = time.Time{} // the next pass is a full one
	start = time.Now()
	if _, err := x.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: full pass with nothing to index: %s", db.Dialect(), time.Since(start).Round(time.Millisecond))
	if _, err := db.Exec(ctx, "UPDATE posts SET updated_at = ?", x.cursor.Add(-24*time.Hour).UTC().Truncate(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "UPDATE posts SET version = version + 1, updated_at = ? WHERE id = (SELECT MAX(id) FROM posts)",
		time.Now().UTC().Truncate(time.Second)); err != nil {
		t.Fatal(err)
	}
	settle(t, db)
	start = time.Now()
	indexed, err := x.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: incremental pass after one edit: %s (%d post indexed)", db.Dialect(), time.Since(start).Round(time.Microsecond), indexed)
}

// ftsCounts counts, on SQLite, how many posts each query matches in all
// (Results.Total stops at the window).
func ftsCounts(t *testing.T, db *store.DB, x *Index, queries []string) string {
	var n []int
	for _, text := range queries {
		q, err := x.an.Query(text)
		if err != nil {
			t.Fatal(err)
		}
		var c int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH ?", ftsMatch(q)).Scan(&c); err != nil {
			t.Fatal(err)
		}
		n = append(n, c)
	}
	slices.Sort(n)
	return fmt.Sprintf("matches %d–%d (median %d)", n[0], n[len(n)-1], n[len(n)/2])
}

func pct(d []time.Duration, p int) time.Duration {
	return d[min(len(d)-1, len(d)*p/100)].Round(10 * time.Microsecond)
}

func indexSize(t *testing.T, db *store.DB) string {
	ctx := context.Background()
	var bytes int64
	var err error
	if db.Dialect() == store.Postgres {
		err = db.QueryRow(ctx, "SELECT pg_total_relation_size('search_docs')").Scan(&bytes)
	} else {
		err = db.QueryRow(ctx, "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'search%'").Scan(&bytes)
	}
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return fmt.Sprintf("%.0f MB", float64(bytes)/(1<<20))
}

// BenchmarkAnalyze measures the analyzer on the sample article.
func BenchmarkAnalyze(b *testing.B) {
	text := strings.Repeat(" ", 0)
	for _, s := range benchTwoWords {
		text += s + " مسؤولين والكرملين ومحادثاتها الأمريكيين Washington's talks "
	}
	a := &Analyzer{}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		a.analyze(text, func(token) {})
	}
}
