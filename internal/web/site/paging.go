package site

import (
	"net/http"
	"strconv"
)

// maxPage bounds page numbers so that an absurd one is a plain 404, never a
// huge OFFSET or an integer overflow.
const maxPage = 100000

// pageNumber reads the {n} path value: 1 when absent, ok=false when it is not
// a page that can exist (0, negative, not a number, "01", too large).
func pageNumber(r *http.Request) (int, bool) {
	s := r.PathValue("n")
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 2 || n > maxPage || strconv.Itoa(n) != s {
		return 0, false // page 1 lives at the archive's own address
	}
	return n, true
}

// newPager builds the pagination links; base is the archive's path ("/", "/tag/x/").
func newPager(lang, base string, n, total, per int) *pager {
	pages := max(1, (total+per-1)/per)
	p := &pager{Lang: lang, Page: n, Pages: pages}
	if n > 1 {
		p.Prev = base
		if n > 2 {
			p.Prev = base + "page/" + strconv.Itoa(n-1) + "/"
		}
	}
	if n < pages {
		p.Next = base + "page/" + strconv.Itoa(n+1) + "/"
	}
	return p
}
