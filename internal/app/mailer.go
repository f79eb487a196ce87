package app

import (
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/mail"
)

// newMailer builds the site's outgoing mail: SMTP when --smtp is set, the
// outbox folder otherwise, every message DKIM-signed with the site's key
// (created under DATA on first start; its DNS record is logged so the
// operator can publish it). The returned close function ends SMTP sessions.
func newMailer(cfg config.Server, log *slog.Logger) (mail.Transport, func(), error) {
	var tr mail.Transport = mail.Outbox{Dir: filepath.Join(cfg.Data, "outbox")}
	closeFn := func() {}
	if cfg.SMTP != "" {
		sc, err := mail.ParseSMTPURL(cfg.SMTP)
		if err != nil {
			return nil, nil, err
		}
		s, err := mail.NewSMTP(sc, log)
		if err != nil {
			return nil, nil, fmt.Errorf("SMTP %s: %w", sc.Redacted(), err)
		}
		tr, closeFn = s, func() { _ = s.Close() }
		log.Info("mail goes through SMTP", "server", sc.Redacted())
	} else {
		log.Info("mail goes to the outbox folder (no --smtp)", "dir", filepath.Join(cfg.Data, "outbox"))
	}
	key, err := mail.LoadOrCreateKey(filepath.Join(cfg.Data, "dkim.pem"))
	if err != nil {
		closeFn()
		return nil, nil, fmt.Errorf("DKIM key: %w", err)
	}
	domain := "localhost"
	if u, err := url.Parse(cfg.URL); err == nil && u.Hostname() != "" {
		domain = u.Hostname()
	}
	signer, err := mail.NewSigner(domain, "nashra", key)
	if err != nil {
		closeFn()
		return nil, nil, fmt.Errorf("DKIM: %w", err)
	}
	log.Info("DKIM: publish this TXT record", "name", signer.DNSName(), "value", signer.DNSRecord())
	return mail.Signed(tr, signer), closeFn, nil
}
