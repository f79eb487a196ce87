package app

import (
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/newsletter"
)

// mailers are the site's outgoing mail: Site for one-off messages (links,
// invitations) and Bulk for newsletters, which on SMTP uses the newsletter
// engine's two-phase client, so that a delivery is checkpointed before the
// server commits it (the exactly-once design in internal/newsletter).
type mailers struct {
	Site, Bulk mail.Transport
}

// newMailer builds the site's outgoing mail: SMTP when --smtp is set, the
// outbox folder otherwise, every message DKIM-signed with the site's key
// (created under DATA on first start; its DNS record is logged so the
// operator can publish it). The returned close function ends SMTP sessions.
func newMailer(cfg config.Server, log *slog.Logger) (mailers, func(), error) {
	var tr mail.Transport = mail.Outbox{Dir: filepath.Join(cfg.Data, "outbox")}
	closeFn := func() {}
	var sc *mail.SMTPConfig
	if cfg.SMTP != "" {
		parsed, err := mail.ParseSMTPURL(cfg.SMTP)
		if err != nil {
			return mailers{}, nil, err
		}
		sc = &parsed
		s, err := mail.NewSMTP(parsed, log)
		if err != nil {
			return mailers{}, nil, fmt.Errorf("SMTP %s: %w", parsed.Redacted(), err)
		}
		tr, closeFn = s, func() { _ = s.Close() }
		log.Info("mail goes through SMTP", "server", parsed.Redacted())
	} else {
		log.Info("mail goes to the outbox folder (no --smtp)", "dir", filepath.Join(cfg.Data, "outbox"))
	}
	key, err := mail.LoadOrCreateKey(filepath.Join(cfg.Data, "dkim.pem"))
	if err != nil {
		closeFn()
		return mailers{}, nil, fmt.Errorf("DKIM key: %w", err)
	}
	domain := "localhost"
	if u, err := url.Parse(cfg.URL); err == nil && u.Hostname() != "" {
		domain = u.Hostname()
	}
	signer, err := mail.NewSigner(domain, "nashra", key)
	if err != nil {
		closeFn()
		return mailers{}, nil, fmt.Errorf("DKIM: %w", err)
	}
	log.Info("DKIM: publish this TXT record", "name", signer.DNSName(), "value", signer.DNSRecord())
	m := mailers{Site: mail.Signed(tr, signer)}
	m.Bulk = m.Site
	if sc != nil {
		bulk := newsletter.NewSMTP(*sc, signer) // signs each message itself
		m.Bulk = bulk
		siteClose := closeFn
		closeFn = func() { siteClose(); _ = bulk.Close() }
	}
	return m, closeFn, nil
}
