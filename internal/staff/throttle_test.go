package staff_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// attempts reads a throttle key's row; failures is -1 when there is none.
func attempts(t *testing.T, db *store.DB, key string) (failures int, locked bool) {
	t.Helper()
	var until sql.NullTime
	err := db.QueryRow(context.Background(), "SELECT failures, locked_until FROM login_attempts WHERE key = ?", key).Scan(&failures, &until)
	if errors.Is(err, store.ErrNotFound) {
		return -1, false
	}
	if err != nil {
		t.Fatalf("login_attempts %s: %v", key, err)
	}
	return failures, until.Valid
}

func throttled(t *testing.T, err error, want time.Duration) {
	t.Helper()
	var te *staff.ThrottledError
	if !errors.Is(err, staff.ErrThrottled) || !errors.As(err, &te) || te.RetryAfter != want {
		t.Fatalf("want throttled for %v, got %v", want, err)
	}
}

func TestLoginAccountLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		u := mkUser(t, s, "lina@example.com", staff.Editor)

		got, err := s.Login(ctx, "Lina@Example.com ", goodPassword, "192.0.2.1")
		if err != nil || got.ID != u.ID {
			t.Fatalf("login: %+v %v", got, err)
		}
		for i := range 5 {
			email := "lina@example.com"
			if i%2 == 1 {
				email = "LINA@example.com" // one account, however it is spelled
			}
			if _, err := s.Login(ctx, email, "wrong password", fmt.Sprintf("192.0.2.%d", i)); !errors.Is(err, staff.ErrInvalid) || errors.Is(err, staff.ErrThrottled) {
				t.Fatalf("wrong password %d: %v", i+1, err)
			}
		}
		if n, locked := attempts(t, db, "account:lina@example.com"); n != 5 || !locked {
			t.Fatalf("after 5 failures: %d, locked %v", n, locked)
		}
		_, err = s.Login(ctx, "lina@example.com", goodPassword, "198.51.100.7")
		throttled(t, err, 15*time.Minute)
		clock.advance(10 * time.Minute)
		_, err = s.Login(ctx, "lina@example.com", "wrong password", "198.51.100.7")
		throttled(t, err, 5*time.Minute)
		if n, _ := attempts(t, db, "account:lina@example.com"); n != 5 {
			t.Errorf("a refused attempt was counted: %d", n)
		}
		if n, _ := attempts(t, db, "address:198.51.100.7"); n != -1 {
			t.Errorf("a refused attempt was counted against the address: %d", n)
		}
		clock.advance(5 * time.Minute)
		if got, err := s.Login(ctx, "lina@example.com", goodPassword, "198.51.100.7"); err != nil || got.ID != u.ID {
			t.Fatalf("login after the lock: %+v %v", got, err)
		}
		if n, _ := attempts(t, db, "account:lina@example.com"); n != -1 {
			t.Errorf("success left the account's count: %d", n)
		}
		if n, _ := attempts(t, db, "address:192.0.2.1"); n != 1 {
			t.Errorf("success cleared an address count: %d", n)
		}

		// Unknown emails and wrong passwords look alike, and are locked alike.
		_, e1 := s.Login(ctx, "nobody@example.com", goodPassword, "203.0.113.9")
		_, e2 := s.Login(ctx, "lina@example.com", "wrong password", "203.0.113.9")
		if e1 != staff.ErrInvalid || e2 != staff.ErrInvalid {
			t.Errorf("unknown email %v, wrong password %v", e1, e2)
		}
		for range 4 {
			_, _ = s.Login(ctx, "nobody@example.com", goodPassword, "203.0.113.10")
		}
		_, err = s.Login(ctx, "nobody@example.com", goodPassword, "203.0.113.11")
		throttled(t, err, 15*time.Minute)
	})
}

func TestLoginWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		mkUser(t, s, "lina@example.com", staff.Author)
		fail := func(n int) {
			for range n {
				if _, err := s.Login(ctx, "lina@example.com", "wrong password", "192.0.2.1"); !errors.Is(err, staff.ErrInvalid) {
					t.Fatalf("wrong password: %v", err)
				}
			}
		}
		// Success clears the account's count.
		fail(4)
		if _, err := s.Login(ctx, "lina@example.com", goodPassword, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		fail(4)
		if _, err := s.Login(ctx, "lina@example.com", goodPassword, "192.0.2.1"); err != nil {
			t.Fatalf("4 failures after a success: %v", err)
		}
		// Failures in an old window do not count.
		fail(4)
		clock.advance(15 * time.Minute)
		fail(4)
		if n, locked := attempts(t, db, "account:lina@example.com"); n != 4 || locked {
			t.Errorf("new window: %d failures, locked %v", n, locked)
		}
		fail(1)
		_, err := s.Login(ctx, "lina@example.com", goodPassword, "192.0.2.1")
		throttled(t, err, 15*time.Minute)

		// Pruning removes counts whose window and lock are over.
		if n, err := s.PruneLoginAttempts(ctx); err != nil || n != 0 {
			t.Errorf("prune during the lock: %d %v", n, err)
		}
		clock.advance(15 * time.Minute)
		if n, err := s.PruneLoginAttempts(ctx); err != nil || n != 2 {
			t.Errorf("prune: %d %v", n, err)
		}
	})
}

func TestLoginAddressLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		mkUser(t, s, "lina@example.com", staff.Author)
		for i := range 20 {
			if _, err := s.Login(ctx, fmt.Sprintf("guess%d@example.com", i), "wrong password", "2001:db8::1"); !errors.Is(err, staff.ErrInvalid) {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if n, locked := attempts(t, db, "address:2001:db8::1"); n != 20 || !locked {
			t.Errorf("address after 20 failures: %d, locked %v", n, locked)
		}
		_, err := s.Login(ctx, "lina@example.com", goodPassword, "2001:db8::1")
		throttled(t, err, 15*time.Minute)
		if _, err := s.Login(ctx, "lina@example.com", goodPassword, "2001:db8::2"); err != nil {
			t.Errorf("another address: %v", err)
		}
		clock.advance(15 * time.Minute)
		if _, err := s.Login(ctx, "lina@example.com", goodPassword, "2001:db8::1"); err != nil {
			t.Errorf("after the address lock: %v", err)
		}
	})
}

func TestLoginConcurrentFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		mkUser(t, s, "lina@example.com", staff.Author)

		// 20 accounts guessed at once from one address: every failure counts.
		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range 20 {
			wg.Go(func() {
				_, errs[i] = s.Login(ctx, fmt.Sprintf("guess%d@example.com", i), "wrong password", "192.0.2.1")
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != staff.ErrInvalid {
				t.Errorf("guess %d: %v", i, err)
			}
			if n, _ := attempts(t, db, fmt.Sprintf("account:guess%d@example.com", i)); n != 1 {
				t.Errorf("account %d: %d failures", i, n)
			}
		}
		if n, locked := attempts(t, db, "address:192.0.2.1"); n != 20 || !locked {
			t.Errorf("address: %d failures (want 20), locked %v", n, locked)
		}

		// One account guessed at once from 20 addresses: each attempt is
		// refused or counted, never lost.
		for i := range 20 {
			wg.Go(func() {
				_, errs[i] = s.Login(ctx, "lina@example.com", "wrong password", fmt.Sprintf("198.51.100.%d", i))
			})
		}
		wg.Wait()
		invalid := 0
		for i, err := range errs {
			switch {
			case err == staff.ErrInvalid:
				invalid++
			case errors.Is(err, staff.ErrThrottled):
			default:
				t.Errorf("attempt %d: %v", i, err)
			}
		}
		if n, locked := attempts(t, db, "account:lina@example.com"); n != invalid || n < 5 || !locked {
			t.Errorf("account: %d failures for %d refusals, locked %v", n, invalid, locked)
		}
	})
}
