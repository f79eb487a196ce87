package store

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// channel is the PostgreSQL NOTIFY channel Nashra nodes talk on.
const channel = "nashra_changes"

// TopicReconnected is delivered to listeners after a lost connection to
// PostgreSQL is re-established: notices may have been missed meanwhile, so
// listeners must treat it as "anything may have changed".
const TopicReconnected = "*"

type listeners struct {
	mu  sync.Mutex
	fns []func(topic string)
}

// Notify tells every node, this one included, that topic changed, once the
// transaction commits. A rolled-back transaction notifies no one. On
// PostgreSQL this is NOTIFY (delivered by the server only on commit); on
// SQLite, which serves one node, it is delivered in-process.
func (tx *Tx) Notify(ctx context.Context, topic string) error {
	tx.notices = append(tx.notices, topic)
	if tx.db.dialect == Postgres {
		_, err := tx.Exec(ctx, "SELECT pg_notify(?, ?)", channel, topic)
		return err
	}
	return nil
}

// Subscribe registers fn to be called with the topic of every change notice.
// fn runs on the notifier's goroutine and must not block for long.
func (db *DB) Subscribe(fn func(topic string)) {
	db.subs().mu.Lock()
	defer db.subs().mu.Unlock()
	db.subs().fns = append(db.subs().fns, fn)
}

func (db *DB) subs() *listeners {
	db.subsOnce.Do(func() { db.listeners = &listeners{} })
	return db.listeners
}

// notifyLocal delivers a notice to this process's subscribers. On PostgreSQL
// the server's NOTIFY reaches this node too; delivering it directly as well
// makes a node see its own writes at once, and listeners are idempotent.
func (db *DB) notifyLocal(topic string) {
	s := db.subs()
	s.mu.Lock()
	fns := append([]func(string){}, s.fns...)
	s.mu.Unlock()
	for _, fn := range fns {
		fn(topic)
	}
}

// Listen relays other nodes' notices to subscribers until ctx ends. It is a
// no-op on SQLite. It keeps one dedicated connection, reconnecting with
// backoff; after a reconnect it delivers TopicReconnected.
func (db *DB) Listen(ctx context.Context, log *slog.Logger) {
	if db.dialect != Postgres {
		return
	}
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, func() {
			if !first {
				db.notifyLocal(TopicReconnected)
			}
			first = false
			backoff = 100 * time.Millisecond
		})
		if ctx.Err() != nil {
			return
		}
		log.Warn("change notices: connection lost, reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (db *DB) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		db.notifyLocal(n.Payload)
	}
}
