package members_test

import (
	"testing"
	"time"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestRecordMailEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		hard := e.subscribe("hard@example.com")
		soft := e.subscribe("soft@example.com")
		spam := e.subscribe("spam@example.com")
		status := func(id int64) members.Status { return must(e.svc.Get(ctx, id))(t).Status }
		record := func(ev members.MailEvent, want members.EventOutcome) {
			t.Helper()
			got, err := e.svc.RecordMailEvent(ctx, ev)
			if err != nil || got != want {
				t.Fatalf("RecordMailEvent(%+v) = %q, %v; want %q", ev, got, err, want)
			}
		}

		record(members.MailEvent{Type: members.EventBounce, Email: "HARD@example.com", Permanent: true,
			Reason: "550 5.1.1 user unknown", ProviderID: "ev-1"}, members.OutcomeSuppressed)
		if st := status(hard.ID); st != members.Bounced {
			t.Fatalf("hard bounce: status %s", st)
		}
		// The provider retries a delivery of its webhook: nothing twice.
		record(members.MailEvent{Type: members.EventBounce, Email: "hard@example.com", Permanent: true, ProviderID: "ev-1"},
			members.OutcomeDuplicate)

		// Soft bounces suppress only when they repeat within the window.
		for i := 1; i < members.SoftBounceLimit; i++ {
			record(members.MailEvent{Type: members.EventBounce, Email: "soft@example.com", Reason: "452 mailbox full"},
				members.OutcomeRecorded)
			e.clock.advance(time.Hour)
		}
		if st := status(soft.ID); st != members.Active {
			t.Fatalf("after %d soft bounces: %s", members.SoftBounceLimit-1, st)
		}
		record(members.MailEvent{Type: members.EventBounce, Email: "soft@example.com"}, members.OutcomeSuppressed)
		if st := status(soft.ID); st != members.Bounced {
			t.Fatalf("after %d soft bounces: %s", members.SoftBounceLimit, st)
		}

		record(members.MailEvent{Type: members.EventComplaint, Email: "spam@example.com", ProviderID: "c-1"}, members.OutcomeSuppressed)
		if st := status(spam.ID); st != members.Complained {
			t.Fatalf("complaint: %s", st)
		}
		// A later hard bounce does not turn a complaint into a bounce.
		record(members.MailEvent{Type: members.EventBounce, Email: "spam@example.com", Permanent: true}, members.OutcomeSuppressed)
		if st := status(spam.ID); st != members.Complained {
			t.Fatalf("complaint downgraded: %s", st)
		}

		// Mail sent before a member left: kept, not an error.
		record(members.MailEvent{Type: members.EventBounce, Email: "gone@example.com", Permanent: true}, members.OutcomeRecorded)

		for _, bad := range []members.MailEvent{
			{Type: "delivered", Email: "soft@example.com"},
			{Type: members.EventBounce, Email: ""},
			{Type: members.EventBounce, Email: "no-at-sign"},
			{Type: members.EventBounce, Email: "x@example.com", ProviderID: string(make([]byte, 201))},
		} {
			_, err := e.svc.RecordMailEvent(ctx, bad)
			wantErr(t, err, members.ErrInvalid)
		}

		evs := must(e.svc.MailEvents(ctx, "", 100))(t)
		if len(evs) != 7 {
			t.Fatalf("%d events stored, want 7: %+v", len(evs), evs)
		}
		mine := must(e.svc.MailEvents(ctx, "Hard@Example.com", 10))(t)
		if len(mine) != 1 || mine[0].Reason != "550 5.1.1 user unknown" || mine[0].MemberID != hard.ID || !mine[0].Permanent {
			t.Fatalf("events of hard@: %+v", mine)
		}
	})
}
