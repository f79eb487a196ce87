package comments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// ErrAkismetKey means Akismet refused the API key ("invalid").
var ErrAkismetKey = errors.New("akismet: invalid API key")

// Akismet is a Checker speaking Akismet's REST API, version 1.1
// (https://akismet.com/developers/): comment-check, submit-spam,
// submit-ham and verify-key, each a form POST.
type Akismet struct {
	// Key is the API key.
	Key string
	// Blog is the site's front page URL, as registered with Akismet.
	Blog string
	// Endpoint replaces Akismet's address (https://KEY.rest.akismet.com,
	// and https://rest.akismet.com for verify-key), for a test server or
	// a compatible service; the paths /1.1/… are appended.
	Endpoint string
	// Client makes the requests; nil means one with a 10 s timeout.
	Client *http.Client
	// UserAgent identifies the site, as Akismet asks ("Nashra/1.0 |
	// Akismet/1.1"); empty means that.
	UserAgent string
	// Test marks every request is_test=1, so Akismet does not learn from it.
	Test bool
}

var akismetKeyPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// endpoint is the base URL for a call: the key is a host name label in
// Akismet's own address, so it must be letters and digits only (anything
// else could move the request to another host).
func (a *Akismet) endpoint(keyed bool) (string, error) {
	if !akismetKeyPattern.MatchString(a.Key) {
		return "", ErrAkismetKey
	}
	if a.Endpoint != "" {
		return strings.TrimRight(a.Endpoint, "/"), nil
	}
	if keyed {
		return "https://" + a.Key + ".rest.akismet.com", nil
	}
	return "https://rest.akismet.com", nil
}

// Check asks comment-check: "true" is spam (Discard when Akismet adds the
// header X-akismet-pro-tip: discard), "false" ham; "invalid" is
// ErrAkismetKey; anything else is an error carrying Akismet's
// X-akismet-debug-help.
func (a *Akismet) Check(ctx context.Context, sub *Submission) (Verdict, error) {
	body, h, err := a.post(ctx, "comment-check", a.fields(sub))
	if err != nil {
		return Ham, err
	}
	switch body {
	case "true":
		if strings.EqualFold(h.Get("X-akismet-pro-tip"), "discard") {
			return Discard, nil
		}
		return IsSpam, nil
	case "false":
		return Ham, nil
	case "invalid":
		return Ham, akismetError(ErrAkismetKey, h)
	}
	return Ham, akismetError(fmt.Errorf("akismet: unexpected answer %q", clip(body, 100)), h)
}

// SubmitSpam reports a comment Akismet let through as spam.
func (a *Akismet) SubmitSpam(ctx context.Context, sub *Submission) error {
	return a.submit(ctx, "submit-spam", sub)
}

// SubmitHam reports a comment Akismet called spam as legitimate.
func (a *Akismet) SubmitHam(ctx context.Context, sub *Submission) error {
	return a.submit(ctx, "submit-ham", sub)
}

func (a *Akismet) submit(ctx context.Context, call string, sub *Submission) error {
	body, h, err := a.post(ctx, call, a.fields(sub))
	if err != nil {
		return err
	}
	if body == "invalid" {
		return akismetError(ErrAkismetKey, h)
	}
	// Akismet answers "Thanks for making the web a better place."
	if !strings.HasPrefix(body, "Thanks") {
		return akismetError(fmt.Errorf("akismet %s: unexpected answer %q", call, clip(body, 100)), h)
	}
	return nil
}

// VerifyKey asks verify-key whether Key is valid for Blog ("valid" or
// "invalid"): the admin's settings page calls it when the key is saved.
func (a *Akismet) VerifyKey(ctx context.Context) (bool, error) {
	if !akismetKeyPattern.MatchString(a.Key) {
		return false, nil
	}
	body, h, err := a.postTo(ctx, false, "verify-key", url.Values{"key": {a.Key}, "api_key": {a.Key}, "blog": {a.Blog}})
	if err != nil {
		return false, err
	}
	switch body {
	case "valid":
		return true, nil
	case "invalid":
		return false, nil
	}
	return false, akismetError(fmt.Errorf("akismet verify-key: unexpected answer %q", clip(body, 100)), h)
}

// fields are the documented form fields of comment-check, submit-spam and
// submit-ham.
func (a *Akismet) fields(sub *Submission) url.Values {
	v := url.Values{
		"api_key":              {a.Key},
		"blog":                 {a.Blog},
		"user_ip":              {sub.IP},
		"user_agent":           {sub.UserAgent},
		"referrer":             {sub.Referrer},
		"permalink":            {sub.Permalink},
		"comment_type":         {"comment"},
		"comment_author":       {sub.AuthorName},
		"comment_author_email": {sub.AuthorEmail},
		"comment_author_url":   {sub.AuthorURL},
		"comment_content":      {sub.Body},
		"blog_lang":            {sub.Lang},
		"blog_charset":         {"UTF-8"},
	}
	if !sub.CreatedAt.IsZero() {
		v.Set("comment_date_gmt", sub.CreatedAt.UTC().Format(time.RFC3339))
	}
	if sub.Role != "" {
		v.Set("user_role", sub.Role)
	}
	if a.Test {
		v.Set("is_test", "1")
	}
	return v
}

func (a *Akismet) post(ctx context.Context, call string, form url.Values) (string, http.Header, error) {
	return a.postTo(ctx, true, call, form)
}

func (a *Akismet) postTo(ctx context.Context, keyed bool, call string, form url.Values) (string, http.Header, error) {
	base, err := a.endpoint(keyed)
	if err != nil {
		return "", nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/1.1/"+call, strings.NewReader(form.Encode()))
	if err != nil {
		return "", nil, fmt.Errorf("akismet %s: %w", call, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	ua := a.UserAgent
	if ua == "" {
		ua = "Nashra/1.0 | Akismet/1.1"
	}
	req.Header.Set("User-Agent", ua)
	client := a.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("akismet %s: %w", call, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return "", nil, fmt.Errorf("akismet %s: %w", call, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, akismetError(fmt.Errorf("akismet %s: HTTP %d", call, resp.StatusCode), resp.Header)
	}
	return strings.TrimSpace(string(b)), resp.Header, nil
}

// akismetError adds Akismet's explanation headers to err.
func akismetError(err error, h http.Header) error {
	for _, k := range []string{"X-akismet-debug-help", "X-akismet-alert-msg"} {
		if v := h.Get(k); v != "" {
			err = fmt.Errorf("%w (%s)", err, clip(v, 200))
		}
	}
	return err
}
