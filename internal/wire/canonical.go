package wire

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that say how a reader arrived, not
// what they read: two URLs differing only in them are the same article.
// Matched case-insensitively; utm_* and a few prefixes are handled apart.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "mkt_tok": true, "_hsenc": true, "_hsmi": true, "hsctatracking": true,
	"_ga": true, "_gl": true, "oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "rb_clickid": true,
	"s_kwcid": true, "ref_src": true, "ref_url": true, "smid": true, "smtyp": true, "cmpid": true, "cmp": true,
	"ocid": true, "icid": true, "ncid": true, "sr_share": true, "__twitter_impression": true,
	"wt.mc_id": true, "wt_mc_id": true, "at_medium": true, "at_campaign": true, "at_custom1": true,
	"at_custom2": true, "at_custom3": true, "at_custom4": true, "ns_mchannel": true, "ns_source": true,
	"ns_campaign": true, "ns_linkname": true, "ns_fee": true, "spm": true, "share": true, "xtor": true,
}

// trackingPrefixes: families of tracking parameters.
var trackingPrefixes = []string{"utm_", "pk_", "mtm_", "hmb_", "ga_"}

func isTrackingParam(name string) bool {
	n := strings.ToLower(name)
	if trackingParams[n] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// CanonicalURL returns the form of an article URL used to recognize the same
// article linked in different ways: scheme and host lowercased, a trailing dot
// and the default port dropped, the path's dot segments resolved (empty path
// becomes "/"), the fragment removed, tracking parameters (utm_*, fbclid,
// gclid…) removed and the remaining parameters sorted by name (values of one
// name keep their order). It fails with ErrMalformed on anything but an
// absolute http(s) URL. CanonicalURL(CanonicalURL(u)) == CanonicalURL(u).
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", &Error{Kind: ErrMalformed, Msg: "malformed URL " + quoteShort(raw), Err: err}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", &Error{Kind: ErrMalformed, Msg: "not an absolute http(s) URL: " + quoteShort(raw)}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return "", &Error{Kind: ErrMalformed, Msg: "URL has no host: " + quoteShort(raw)}
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	u.Opaque = ""
	query := canonicalQuery(u.RawQuery)
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	} else {
		// Resolving the path against the URL itself removes "." and ".."
		// segments (and drops the query, restored below).
		u = u.ResolveReference(&url.URL{Path: u.Path, RawPath: u.RawPath})
	}
	u.RawQuery = query
	u.ForceQuery = false
	return u.String(), nil
}

// canonicalQuery drops tracking parameters and sorts the rest by name,
// keeping each pair's original encoding so that nothing is re-escaped.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ key, raw string }
	var kept []pair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if isTrackingParam(key) {
			continue
		}
		kept = append(kept, pair{key, part})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].key < kept[j].key })
	parts := make([]string, len(kept))
	for i, p := range kept {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// urlKey is a canonical URL without its scheme: http and https links to one
// article are the same article.
func urlKey(canonical string) string {
	if i := strings.Index(canonical, "://"); i >= 0 {
		return canonical[i+3:]
	}
	return canonical
}

func quoteShort(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return `"` + s + `"`
}
