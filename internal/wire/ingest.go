package wire

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"nashra.dev/nashra/internal/store"
)

// ingest stores one poll's new items: it remembers the recent fingerprints
// on the desk (and those it adds) to find each item's story.
type ingest struct {
	d       *Desk
	src     *Source
	recent  []stored
	extract int // pages left to fetch this poll
}

type stored struct {
	id, cluster int64
	fp          uint64
}

func (d *Desk) newIngest(ctx context.Context, src *Source) (*ingest, error) {
	st := &ingest{d: d, src: src, extract: d.opt.MaxExtract}
	rows, err := d.db.Query(ctx, `SELECT id, cluster_id, fingerprint FROM wire_items
		WHERE fingerprint IS NOT NULL AND fetched_at >= ? ORDER BY id DESC LIMIT 20000`, d.clock().Add(-d.opt.ClusterWindow))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s stored
		var fp int64
		if err := rows.Scan(&s.id, &s.cluster, &fp); err != nil {
			return nil, err
		}
		s.fp = uint64(fp)
		st.recent = append(st.recent, s)
	}
	return st, rows.Err()
}

// itemGUID is the item's identity within its feed: its GUID, else its
// link, else a hash of its title and text.
func itemGUID(it Item) string {
	if g := strings.TrimSpace(it.GUID); g != "" {
		return truncateBytes(g, 1000)
	}
	if it.URL != "" {
		return truncateBytes(it.URL, 1000)
	}
	if it.Title == "" && it.Summary == "" && it.ContentHTML == "" {
		return ""
	}
	h := sha256.Sum256([]byte(it.Title + "\x00" + it.Summary + "\x00" + it.ContentHTML))
	return "sha256:" + hex.EncodeToString(h[:16])
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// add stores it unless the desk already has it, completing its text from
// its page when the feed gave a summary only.
func (st *ingest) add(ctx context.Context, it Item, res *PollResult) error {
	d, src := st.d, st.src
	guid := itemGUID(it)
	if guid == "" {
		return nil
	}
	var one int
	err := d.db.QueryRow(ctx, `SELECT 1 FROM wire_items WHERE source_id = ? AND guid = ?`, src.ID, guid).Scan(&one)
	if err == nil {
		res.Duplicates++
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	var cluster int64
	if it.CanonicalURL != "" {
		var sameSource bool
		cluster, sameSource, err = st.byURL(ctx, it.CanonicalURL)
		if err != nil {
			return err
		}
		if sameSource { // the feed changed the item's GUID: not a new story
			res.Duplicates++
			return nil
		}
	}

	title := validUTF8(it.Title)
	contentHTML := validUTF8(it.ContentHTML)
	text := ""
	if contentHTML != "" {
		text = htmlFragmentText(contentHTML)
	}
	if letters(text) < letters(it.Summary) {
		text = it.Summary
	}
	image := ""
	if len(it.Images) > 0 {
		image = it.Images[0]
	}
	lang := it.Language
	if src.Lang != "" {
		lang = src.Lang
	}
	extractErr := ""
	if letters(text) < d.opt.ShortText && st.extract > 0 && isHTTP(it.URL) {
		st.extract--
		a, err := st.page(ctx, it.URL)
		switch {
		case err != nil:
			extractErr = oneLineError(err)
			if ctx.Err() != nil {
				return err // the poll's time is up: say so rather than store half an item
			}
		case letters(a.Text) > letters(text):
			text, contentHTML = a.Text, a.HTML
			if image == "" {
				image = a.Image
			}
			if lang == "" {
				lang = a.Lang
			}
			if title == "" {
				title = a.Title
			}
			res.Extracted++
		}
	}
	lang = chooseLang(lang, title+"\n"+text)

	var fp any
	if h, words := simHash(stripWireCredits(text), shingleSize); words >= MinFingerprintWords {
		fp = int64(h)
		if cluster == 0 {
			cluster = st.nearest(h)
		}
	}
	if cluster != 0 {
		res.Clustered++
	}
	status := "new"
	passes := keywordsPass(src, title+"\n"+it.Summary+"\n"+text)
	if !passes {
		status = "dismissed"
	}
	var published any
	if !it.Published.IsZero() {
		published = it.Published.UTC().Truncate(1e9)
	}
	now := d.clock()
	var id int64
	err = d.db.WithTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO wire_items (source_id, guid, url, canonical_url, title, summary, content_html,
		content_text, authors, image, lang, published_at, fetched_at, fingerprint, cluster_id, status, extract_error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source_id, guid) DO NOTHING RETURNING id`,
			src.ID, guid, truncateBytes(it.URL, 2000), truncateBytes(it.CanonicalURL, 2000), title, validUTF8(it.Summary),
			contentHTML, text, strings.Join(it.Authors, ", "), truncateBytes(image, 2000), lang, published, now, fp, cluster,
			status, extractErr).Scan(&id)
		if err != nil || cluster != 0 {
			return err
		}
		cluster = id // the first item of a new story
		_, err = tx.Exec(ctx, `UPDATE wire_items SET cluster_id = ? WHERE id = ?`, id, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) { // stored meanwhile by another poll
		res.Duplicates++
		return nil
	}
	if err != nil {
		return err
	}
	if h, ok := fp.(int64); ok {
		st.recent = append(st.recent, stored{id: id, cluster: cluster, fp: uint64(h)})
	}
	res.New++
	if src.Mode == ModeAuto && passes {
		ok, err := d.autoPublish(ctx, src, id, cluster)
		if err != nil {
			d.log.Warn("wire: auto-publish failed", "source", src.ID, "item", id, "err", err)
		} else if ok {
			res.Published++
		}
	}
	return nil
}

// byURL finds the story of a stored item with the same canonical URL, and
// whether that item came from this source.
func (st *ingest) byURL(ctx context.Context, canonical string) (cluster int64, sameSource bool, err error) {
	rows, err := st.d.db.Query(ctx, `SELECT source_id, cluster_id FROM wire_items WHERE canonical_url = ? ORDER BY id LIMIT 50`, canonical)
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid, cid int64
		if err := rows.Scan(&sid, &cid); err != nil {
			return 0, false, err
		}
		if sid == st.src.ID {
			sameSource = true
		}
		if cluster == 0 {
			cluster = cid
		}
	}
	return cluster, sameSource, rows.Err()
}

// nearest is the story of the closest recent fingerprint within
// DefaultMaxDistance bits, 0 when none is that close.
func (st *ingest) nearest(h uint64) int64 {
	best, cluster := DefaultMaxDistance+1, int64(0)
	for _, s := range st.recent {
		if dist := Hamming(h, s.fp); dist < best {
			best, cluster = dist, s.cluster
		}
	}
	return cluster
}

// page fetches and extracts an item's linked page.
func (st *ingest) page(ctx context.Context, u string) (Article, error) {
	resp, err := st.d.fetch.Fetch(ctx, Request{URL: u, Accept: "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"})
	if err != nil {
		return Article{}, err
	}
	return ExtractResponse(resp)
}

func isHTTP(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// keywordsPass applies a source's filters to an item's text: one of the
// include keywords (when there are any) and none of the exclude ones, each
// compared folded (case, Arabic spelling variants).
func keywordsPass(src *Source, text string) bool {
	folded := " " + foldPhrase(text) + " "
	has := func(list string) (hit, some bool) {
		for _, k := range strings.Split(list, "\n") {
			if k = foldPhrase(k); k == "" {
				continue
			}
			some = true
			if strings.Contains(folded, k) {
				return true, true
			}
		}
		return false, some
	}
	if hit, _ := has(src.Exclude); hit {
		return false
	}
	hit, some := has(src.Include)
	return hit || !some
}
