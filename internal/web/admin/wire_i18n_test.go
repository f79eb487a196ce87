package admin

import "nashra.dev/nashra/internal/wire"

// wireKeys adds the wire desk's keys built from values to the check of
// TestEveryMessageIsTranslated.
func wireKeys(keys map[string]string) {
	keys["wi_all"] = "wire item tabs"
	for _, st := range wire.ItemStatuses {
		keys["wi_"+st] = "wire item statuses"
	}
	for _, st := range []string{wire.StatusOK, wire.StatusError, wire.StatusNever} {
		keys["ws_"+st] = "wire source statuses"
	}
	for _, k := range []string{"timeout", "too_large", "redirects", "blocked", "unreachable", "http_status", "malformed", "other"} {
		keys["wk_"+k] = "wire error kinds"
	}
	for _, m := range []wire.Mode{wire.ModeReview, wire.ModeAuto} {
		keys["wm_"+string(m)] = "wire modes"
	}
	for _, k := range []string{"name_required", "name_too_long", "name_bad_text", "url_required", "url_too_long", "url_bad_url",
		"url_taken", "lang_bad_lang", "interval_bad_interval", "mode_bad_mode", "category_bad_category", "include_too_long"} {
		keys["wv_"+k] = "wire source refusals"
	}
	for _, k := range []string{"wire_poll_failed", "wire_polled", "wire_paused", "wire_resumed", "wire_source_deleted"} {
		keys["flash_"+k] = "wire source actions"
	}
}
