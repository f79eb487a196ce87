package admin

// commentMessages is the catalog of the comment moderation pages; tr looks
// here after readerMessages.
var commentMessages = map[string]map[string]string{
	"ar": {},
	"en": {},
}
