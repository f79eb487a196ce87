package api

import (
	"context"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestAdminAuth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		session, err := e.ss.StartSession(ctx, e.editor.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		revoked, err := e.ss.CreateAPIToken(ctx, e.editor.ID, "to revoke", 0)
		if err != nil {
			t.Fatal(err)
		}
		toks, _ := e.ss.ListAPITokens(ctx, e.editor.ID)
		if err := e.ss.RevokeAPIToken(ctx, e.editor.ID, toks[len(toks)-1].ID); err != nil {
			t.Fatal(err)
		}
		good := e.tok["editor"]
		for _, tc := range []struct {
			name, auth, msg string
		}{
			{"missing", "", "token is required"},
			{"empty bearer", "Bearer ", "invalid"},
			{"Ghost's scheme", "Ghost " + good, "only Bearer"},
			{"basic", "Basic dXNlcjpwYXNz", "only Bearer"},
			{"no scheme", good, "only Bearer"},
			{"wrong token", "Bearer nsh_" + strings.Repeat("A", 43), "invalid or has been revoked"},
			{"truncated", "Bearer " + good[:len(good)-2], "invalid"},
			{"a session token", "Bearer " + session, "invalid"},
			{"a content key", "Bearer " + e.key, "invalid"},
			{"revoked", "Bearer " + revoked, "revoked"},
			{"expired", "Bearer " + e.tok["expired"], "has expired"},
			{"garbage", "Bearer \u202e<script>\u00ff", "invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, path := range []string{adminBase + "/posts", postPath(e.published.ID), adminBase + "/media", adminBase + "/tags/1"} {
					r := e.do(req{method: "GET", path: path, auth: tc.auth})
					e.expect(r, 401, typeUnauthorized, tc.msg)
					if r.header.Get("WWW-Authenticate") == "" || r.header.Get("Cache-Control") != "no-store" {
						t.Errorf("headers %v", r.header)
					}
				}
				// Writes are refused before their body is read.
				r := e.do(req{method: "POST", path: adminBase + "/posts", auth: tc.auth, body: "{not json"})
				e.expect(r, 401, typeUnauthorized, tc.msg)
			})
		}
		// The expired token's message differs from the invalid one's.
		ex := e.do(req{method: "GET", path: adminBase + "/posts", token: e.tok["expired"]})
		bad := e.do(req{method: "GET", path: adminBase + "/posts", token: "nsh_x"})
		if string(ex.raw) == string(bad.raw) {
			t.Error("an expired token answers like an invalid one")
		}
		// The scheme is case-insensitive (RFC 9110).
		e.expect(e.do(req{method: "GET", path: adminBase + "/posts", auth: "bearer " + good}), 200, "", "")
		if r := e.do(req{method: "GET", path: adminBase + "/posts", token: good}); r.header.Get("WWW-Authenticate") != "" {
			t.Error("a good answer asks for credentials")
		}
	})
}
