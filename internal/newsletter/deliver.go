package newsletter

import (
	"context"
	"errors"
	"time"

	"nashra.dev/nashra/internal/mail"
)

// Why the checkpoint comes before the final dot.
//
// An SMTP server takes responsibility for a message when it receives the
// "." that ends DATA, and not before: a connection that breaks earlier
// leaves it nothing (RFC 5321 §4.1.1.4). So the engine writes the whole
// message, then commits 'sent' for the row, and only then writes the dot
// (checkpoint.go). A process killed at any instant leaves one of:
//
//   - before the commit: the row is still 'claimed', the server got no dot
//     and drops the message; the row goes back to 'pending' (at once when
//     the same node restarts, after StaleAfter from another node) and the
//     member gets the message once, later.
//   - between the commit and the dot: the row says 'sent' and the server
//     drops the message: this member is skipped. The window is as short as
//     two consecutive write calls (see checkpoint.go for how, and for what
//     a simpler order measured), so on average throughput × window, a few
//     thousandths of a member per kill, fall in it.
//   - after the dot: sent, and recorded as sent.
//
// No instant leaves a message delivered and its row re-deliverable, so no
// one gets a send twice. Two residual cases lie outside a crash of this
// process: the server accepts the dot but the connection breaks before its
// reply (the row stays 'sent'; the message may or may not have arrived);
// and the database loses a commit the client was told of (a server crash
// with fsync off), which would send that message again.
//
// The checkpoint is conditional on the row still being claimed by this
// engine: a node presumed dead whose claims were handed to another node
// finds its checkpoint refused, and abandons the transaction before the
// dot. That is what lets stale claims be taken back without risking a
// double delivery.
//
// Transports that cannot stop before the dot (the outbox folder, or
// mail.SMTP) are checkpointed right after they return: there a crash
// between the two delivers the message again after the restart. For the
// outbox that is one file twice, which is acceptable for a development
// folder; in production use this package's SMTP.

// deliver sends the send's letter to one claimed member, retrying temporary
// failures after a backoff, until it is sent, failed, or the run stops (the
// row then stays claimed and is released by the run).
func (r *run) deliver(ctx context.Context, m Member) {
	e := r.e
	for {
		err := r.attempt(ctx, m)
		if err == nil {
			return
		}
		if ctx.Err() != nil || errors.Is(err, errLostClaim) {
			return
		}
		var pe *mail.PermanentError
		perm := errors.As(err, &pe)
		bounce := perm && pe.Command == "RCPT TO"
		attempts, nerr := e.noteFailure(context.WithoutCancel(ctx), r.send.ID, m.ID, err.Error(), perm || errors.Is(err, mail.ErrInvalid), bounce)
		if nerr != nil {
			if !errors.Is(nerr, errLostClaim) {
				e.log.Error("newsletter: cannot record a failed delivery", "send_id", r.send.ID, "member_id", m.ID, "err", nerr)
			}
			return
		}
		if perm || errors.Is(err, mail.ErrInvalid) || attempts >= e.opt.MaxAttempts {
			e.log.Warn("newsletter: delivery failed", "send_id", r.send.ID, "member_id", m.ID,
				"attempts", attempts, "bounced", bounce, "err", err)
			return
		}
		wait := e.opt.RetryBackoff << (attempts - 1)
		e.log.Info("newsletter: temporary failure, will retry", "send_id", r.send.ID, "member_id", m.ID,
			"attempt", attempts, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// attempt makes one try: a nil result means the message is delivered and
// its row is 'sent'.
func (r *run) attempt(ctx context.Context, m Member) error {
	e := r.e
	raw, err := r.letter.personal(m, e.links, e.opt.UnsubscribeMailto, e.now()).Bytes()
	if err != nil {
		return err
	}
	from := r.letter.from.Address
	// The checkpoint must not be cut short by the run's end: a commit
	// whose outcome is unknown is the one way to skip a member.
	commitCtx := context.WithoutCancel(ctx)
	if e.tp == nil {
		if err := e.tr.SendRaw(ctx, from, []string{m.Email}, raw); err != nil {
			return err
		}
		if err := e.markSent(commitCtx, r.send.ID, m.ID); err != nil {
			e.log.Error("newsletter: delivered but not recorded: may be delivered again", "send_id", r.send.ID, "member_id", m.ID, "err", err)
			return errLostClaim
		}
		return nil
	}
	err = e.tp.SendTwoPhase(ctx, from, m.Email, raw, func(dot func() error) error {
		return e.checkpoint(commitCtx, r.send.ID, m.ID, dot)
	})
	var ce *CommittedError
	if !errors.As(err, &ce) {
		return err
	}
	if !ce.Refused {
		e.log.Warn("newsletter: connection lost awaiting the server's reply; counted as sent",
			"send_id", r.send.ID, "member_id", m.ID, "err", ce.Err)
		return nil
	}
	if uerr := e.unmarkSent(commitCtx, r.send.ID, m.ID, ce.Err.Error()); uerr != nil {
		return uerr
	}
	return ce.Err
}
