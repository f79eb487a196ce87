package comments

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// BlockKind is what a blocklist rule matches.
type BlockKind string

const (
	// BlockWord matches, case-insensitively, anywhere in the name, email,
	// website, text or user agent (WordPress's "disallowed keys").
	BlockWord BlockKind = "word"
	// BlockEmail matches one address exactly.
	BlockEmail BlockKind = "email"
	// BlockDomain matches a domain and its subdomains, in the email address
	// or the website.
	BlockDomain BlockKind = "domain"
	// BlockIP matches a client address (203.0.113.7) or a network
	// (203.0.113.0/24, 2001:db8::/32).
	BlockIP BlockKind = "ip"
)

// BlockEffect is what a matching rule does to a comment.
type BlockEffect string

const (
	// EffectSpam stores the comment as spam: never shown, kept for review.
	EffectSpam BlockEffect = "spam"
	// EffectHold holds the comment for a moderator, however trusted its
	// author (WordPress's "comment moderation" list).
	EffectHold BlockEffect = "hold"
)

// BlockRule is one entry of the blocklist.
type BlockRule struct {
	ID        int64
	Kind      BlockKind
	Value     string
	Effect    BlockEffect
	CreatedAt time.Time
}

// AddBlock adds a rule. The value is normalized (lowercased; a network in
// canonical form) and checked: a word needs at least two characters, an
// email must be an address, a domain a dotted name, an IP an address or a
// network. Adding a rule that exists updates its effect.
func (s *Service) AddBlock(ctx context.Context, kind BlockKind, value string, effect BlockEffect) (*BlockRule, error) {
	if effect == "" {
		effect = EffectSpam
	}
	if effect != EffectSpam && effect != EffectHold {
		return nil, invalid("effect", "bad-effect", "the effect must be spam or hold")
	}
	v, err := normalizeRule(kind, value)
	if err != nil {
		return nil, err
	}
	r := &BlockRule{Kind: kind, Value: v, Effect: effect, CreatedAt: s.clock()}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO comment_blocklist (kind, value, effect, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (kind, value) DO UPDATE SET effect = excluded.effect RETURNING id, created_at`,
			kind, v, effect, r.CreatedAt).Scan(&r.ID, &r.CreatedAt)
	})
	if err != nil {
		return nil, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return r, nil
}

func normalizeRule(kind BlockKind, value string) (string, error) {
	v := strings.ToLower(collapse(value))
	switch kind {
	case BlockWord:
		if utf8.RuneCountInString(v) < 2 || len(v) > 200 {
			return "", invalid("value", "bad-word", "a blocked word needs 2 to 200 characters")
		}
	case BlockEmail:
		return normalizeEmail(v)
	case BlockDomain:
		v = strings.TrimPrefix(strings.TrimPrefix(v, "@"), "*.")
		if !strings.Contains(v, ".") || strings.ContainsAny(v, " /@:") || strings.HasPrefix(v, ".") || len(v) > 253 {
			return "", invalid("value", "bad-domain", "a blocked domain looks like example.com")
		}
	case BlockIP:
		if p, err := netip.ParsePrefix(v); err == nil {
			return p.Masked().String(), nil
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return "", invalid("value", "bad-ip", "a blocked IP is an address (203.0.113.7) or a network (203.0.113.0/24)")
		}
		return a.Unmap().String(), nil
	default:
		return "", invalid("kind", "bad-kind", "the kind must be word, email, domain or ip")
	}
	return v, nil
}

// RemoveBlock deletes a rule; ErrNotFound when there is none.
func (s *Service) RemoveBlock(ctx context.Context, id int64) error {
	res, err := s.db.Exec(ctx, "DELETE FROM comment_blocklist WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: no blocklist rule %d", ErrNotFound, id)
	}
	return nil
}

// Blocklist lists the rules by kind, then value.
func (s *Service) Blocklist(ctx context.Context) ([]BlockRule, error) {
	rows, err := s.db.Query(ctx, "SELECT id, kind, value, effect, created_at FROM comment_blocklist ORDER BY kind, value")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BlockRule
	for rows.Next() {
		var r BlockRule
		if err := rows.Scan(&r.ID, &r.Kind, &r.Value, &r.Effect, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// blocked returns the strongest rule the comment matches (spam before
// hold), or nil.
func (s *Service) blocked(ctx context.Context, c *Comment) (*BlockRule, error) {
	rules, err := s.Blocklist(ctx)
	if err != nil {
		return nil, err
	}
	return matchRules(rules, c), nil
}

// matchRules is blocked's pure part.
func matchRules(rules []BlockRule, c *Comment) *BlockRule {
	haystack := strings.ToLower(strings.Join([]string{c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.UserAgent}, "\n"))
	domain := emailDomain(c.AuthorEmail)
	var site string
	if u, err := url.Parse(c.AuthorURL); err == nil {
		site = strings.ToLower(u.Hostname())
	}
	ip, ipErr := netip.ParseAddr(c.IP)
	if ipErr == nil {
		ip = ip.Unmap()
	}
	var found *BlockRule
	for i := range rules {
		r := &rules[i]
		hit := false
		switch r.Kind {
		case BlockWord:
			hit = strings.Contains(haystack, r.Value)
		case BlockEmail:
			hit = c.AuthorEmail == r.Value
		case BlockDomain:
			hit = underDomain(domain, r.Value) || (site != "" && underDomain(site, r.Value))
		case BlockIP:
			if ipErr != nil {
				break
			}
			if p, err := netip.ParsePrefix(r.Value); err == nil {
				hit = p.Contains(ip)
			} else if a, err := netip.ParseAddr(r.Value); err == nil {
				hit = a == ip
			}
		}
		if hit && (found == nil || (found.Effect == EffectHold && r.Effect == EffectSpam)) {
			found = r
		}
	}
	return found
}

// underDomain reports whether host is domain or one of its subdomains.
func underDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}
