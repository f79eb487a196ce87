package staff_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
)

// testClock is a clock the test moves by hand; safe to read from goroutines.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newService returns a staff service whose clock starts at a fixed second.
func newService(db *store.DB) (*staff.Service, *testClock) {
	c := &testClock{t: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}
	return staff.New(db, c.now), c
}

const goodPassword = "a long password"

func mkUser(t *testing.T, s *staff.Service, email string, role staff.Role) *staff.User {
	t.Helper()
	u, err := s.Create(context.Background(), staff.NewUser{Email: email, Name: "اسم " + email, Role: role, Password: goodPassword})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}
