package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/wire"
)

// WireExtractOptions are the flags of 'nashra wire extract'.
type WireExtractOptions struct {
	// Source is a file holding a saved page, or an http(s) URL.
	Source string
	// Allow lists addresses or CIDR prefixes that may be fetched although
	// they are not public; AllowPrivate allows every address. Both exist
	// for trying the command against a local server.
	Allow        []string
	AllowPrivate bool
	Timeout      time.Duration
}

// maxPageFile is the largest saved page the command reads, the fetcher's
// own limit.
const maxPageFile = 10 << 20

// WireExtract prints the article of one page: its title, byline, date,
// language and site, then its text. A URL is fetched through the wire desk's
// SSRF-safe client, so it refuses private addresses unless allowed.
func WireExtract(ctx context.Context, o WireExtractOptions, out io.Writer) error {
	var (
		article wire.Article
		final   string
		err     error
	)
	if isHTTPURL(o.Source) {
		article, final, err = extractURL(ctx, o)
	} else {
		article, err = extractFile(o.Source)
	}
	if err != nil {
		return err
	}
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(out, "%-10s %s\n", name+":", value)
		}
	}
	field("Title", article.Title)
	field("Byline", article.Byline)
	if !article.Published.IsZero() {
		field("Date", article.Published.Format(time.RFC3339))
	}
	field("Language", article.Lang)
	field("Site", article.SiteName)
	field("URL", final)
	fmt.Fprintf(out, "\n%s\n", article.Text)
	return nil
}

func isHTTPURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

func extractURL(ctx context.Context, o WireExtractOptions) (wire.Article, string, error) {
	allow, err := wire.ParseAllowList(o.Allow)
	if err != nil {
		return wire.Article{}, "", fmt.Errorf("--allow: %w", err)
	}
	if o.AllowPrivate {
		allow = append(allow, netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0"))
	}
	f := wire.NewFetcher(wire.FetchConfig{Allow: allow, Timeout: o.Timeout, NoHostDelay: true})
	resp, err := f.Fetch(ctx, wire.Request{URL: o.Source, Accept: "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"})
	if err != nil {
		if errors.Is(err, wire.ErrBlocked) && !o.AllowPrivate {
			return wire.Article{}, "", fmt.Errorf("%w (for a local test server, add --allow-private)", err)
		}
		return wire.Article{}, "", err
	}
	a, err := wire.ExtractResponse(resp)
	if err != nil {
		return wire.Article{}, "", fmt.Errorf("extract %s: %w", resp.URL, err)
	}
	return a, resp.URL, nil
}

func extractFile(name string) (wire.Article, error) {
	st, err := os.Stat(name)
	switch {
	case err != nil:
		return wire.Article{}, fmt.Errorf("read %s: %w", name, err)
	case st.IsDir():
		return wire.Article{}, fmt.Errorf("read %s: is a folder, not a page", name)
	case st.Size() > maxPageFile:
		return wire.Article{}, fmt.Errorf("read %s: %d bytes, over the %d MB a page may have", name, st.Size(), maxPageFile>>20)
	}
	page, err := os.ReadFile(name)
	if err != nil {
		return wire.Article{}, fmt.Errorf("read %s: %w", name, err)
	}
	abs, _ := filepath.Abs(name)
	a, err := wire.Extract(page, "file://"+filepath.ToSlash(abs))
	if err != nil {
		return wire.Article{}, fmt.Errorf("extract %s: %w", name, err)
	}
	return a, nil
}

// WireFetchOptions are the flags of 'nashra wire fetch'.
type WireFetchOptions struct {
	// All polls every active source, due or not.
	All bool
	// Allow and AllowPrivate let the fetcher reach addresses that are not
	// public (a feed on the newsroom's own network); see WireExtractOptions.
	Allow         []string
	AllowPrivate  bool
	SourceTimeout time.Duration
	// noHostDelay drops the politeness delay between two requests to one
	// host: for tests, whose one local server is nobody's to spare.
	noHostDelay bool
}

// WireFetch polls the wire sources that are due (all active ones with
// All) once, as the server's periodic job does, and prints one line per
// source: what it found, or why it failed. Failures are recorded on the
// sources, as the admin shows them; the command itself fails only when
// the desk cannot work (the database).
func WireFetch(ctx context.Context, sc config.Site, o WireFetchOptions, out io.Writer) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	allow, err := wire.ParseAllowList(o.Allow)
	if err != nil {
		return fmt.Errorf("--allow: %w", err)
	}
	if o.AllowPrivate {
		allow = append(allow, netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0"))
	}
	db, err := openSite(ctx, sc, NewLogger(io.Discard, false))
	if err != nil {
		return err
	}
	defer db.Close()
	desk := wire.NewDesk(db, wire.NewFetcher(wire.FetchConfig{Allow: allow, NoHostDelay: o.noHostDelay}), content.New(db, time.Now),
		wire.DeskOptions{SourceTimeout: o.SourceTimeout})
	var results []wire.PollResult
	if o.All {
		results, err = desk.PollAll(ctx)
	} else {
		results, err = desk.PollDue(ctx)
	}
	if err != nil {
		return fmt.Errorf("wire fetch: %w", err)
	}
	if len(results) == 0 {
		fmt.Fprintln(out, "No source is due (use --all to poll every active source).")
		return nil
	}
	failed := 0
	for _, r := range results {
		took := r.Took.Round(time.Millisecond)
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(out, "ERROR %-30s %s [%s] %s\n", r.Name, r.ErrorKind, took, strings.Join(strings.Fields(r.Err.Error()), " "))
		case r.NotModified:
			fmt.Fprintf(out, "ok    %-30s not modified [%s]\n", r.Name, took)
		default:
			fmt.Fprintf(out, "ok    %-30s %d in feed, %d new, %d duplicate, %d same story, %d completed from page, %d published [%s]\n",
				r.Name, r.Found, r.New, r.Duplicates, r.Clustered, r.Extracted, r.Published, took)
		}
	}
	fmt.Fprintf(out, "%d sources polled, %d failed.\n", len(results), failed)
	return nil
}
