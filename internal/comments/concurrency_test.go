package comments_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// 200 readers comment at once: every comment lands, once.
func TestConcurrentCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const n = 200
		ins := make([]comments.Input, n)
		for i := range ins {
			ins[i] = comments.Input{PostID: e.post, Name: fmt.Sprintf("قارئ %d", i), Email: fmt.Sprintf("r%d@example.com", i),
				Body: fmt.Sprintf("تعليق رقم %d", i), Token: e.svc.FormToken(e.post), IP: fmt.Sprintf("10.0.%d.%d", i/250, i%250+1)}
		}
		e.clock.advance(10 * time.Second)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			seen = map[int64]int{}
			errs []error
		)
		start := make(chan struct{})
		for i := range ins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				c, err := e.svc.Create(ctx, ins[i])
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				seen[c.ID]++
			}()
		}
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("%d of %d failed, first: %v", len(errs), n, errs[0])
		}
		if len(seen) != n {
			t.Fatalf("%d distinct IDs, want %d", len(seen), n)
		}
		if got := e.count("post_id = ?", e.post); got != n {
			t.Fatalf("%d rows, want %d", got, n)
		}
		var bodies int
		if err := db.QueryRow(ctx, "SELECT COUNT(DISTINCT body_md) FROM comments").Scan(&bodies); err != nil || bodies != n {
			t.Fatalf("%d distinct bodies, want %d (%v)", bodies, n, err)
		}
	})
}

// One form sent many times at once (a double click, a retrying proxy)
// stores one comment; so does one text sent at once from many forms.
func TestConcurrentDoubleSubmit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// Rate limits off: this is about duplicates.
		e := newEnv(t, db, func(o *comments.Options) { o.EmailLimit, o.IPLimit = -1, -1 })
		try := func(ins []comments.Input) (ok int, dup int) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for _, in := range ins {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := e.svc.Create(ctx, in)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case errors.Is(err, comments.ErrDuplicate):
						dup++
					default:
						t.Errorf("create: %v", err)
					}
				}()
			}
			wg.Wait()
			return ok, dup
		}
		same := e.input(e.post, "مستعجل", "hasty@example.com", "ضغطت مرتين")
		ins := make([]comments.Input, 20)
		for i := range ins {
			ins[i] = same
		}
		if ok, dup := try(ins); ok != 1 || dup != 19 {
			t.Fatalf("one form 20 times: %d stored, %d duplicates", ok, dup)
		}
		for i := range ins {
			ins[i] = e.input(e.post, "مكرر", "repeat@example.com", "النص نفسه من نماذج كثيرة")
		}
		if ok, dup := try(ins); ok != 1 || dup != 19 {
			t.Fatalf("one text from 20 forms: %d stored, %d duplicates", ok, dup)
		}
		if n := e.count("1 = 1"); n != 2 {
			t.Fatalf("%d rows, want 2", n)
		}

		// A page from the cache: readers share its form token, each lands once.
		shared := e.input(e.post, "قارئ", "one@example.com", "تعليق القارئ الأول")
		other := shared
		other.Name, other.Email, other.Body = "قارئة", "two@example.com", "تعليق القارئة الثانية"
		if ok, dup := try([]comments.Input{shared, other, shared, other}); ok != 2 || dup != 2 {
			t.Fatalf("one cached form, two readers twice each: %d stored, %d duplicates", ok, dup)
		}
	})
}
