package search

// arabicStopwords are function words too common to tell articles apart:
// prepositions, conjunctions, pronouns, demonstratives, relatives, particles
// and auxiliaries, with their commonest clitic forms. They are written as
// arabic.Normalize leaves them (ا for أ إ آ, ي for ى, ه for ة, ء for ؤ ئ),
// since they are looked up after normalization. Read-only.
var arabicStopwords = setOf(
	// prepositions and their clitic and pronoun forms
	"في", "من", "الي", "علي", "عن", "مع", "حتي", "منذ", "مذ", "لدي", "عند", "بين", "خلال", "حول", "ضد",
	"دون", "غير", "عبر", "نحو", "تحت", "فوق", "وراء", "بعد", "قبل", "اثناء", "لدن", "سوي",
	"وفي", "ومن", "والي", "وعلي", "وعن", "ومع", "وبين", "وبعد", "وقبل", "وعند", "وخلال", "ففي", "فمن",
	"فيه", "فيها", "فيهم", "منه", "منها", "منهم", "عليه", "عليها", "عليهم", "اليه", "اليها", "اليهم",
	"عنه", "عنها", "عنهم", "معه", "معها", "معهم", "له", "لها", "لهم", "لهما", "لنا", "لك", "لكم",
	"به", "بها", "بهم", "بما", "لما", "مما", "عما", "فيما", "كما", "بينما", "ربما", "انما", "حيثما",
	// conjunctions and particles
	"و", "ف", "ب", "ك", "ل", "او", "ام", "ثم", "بل", "لكن", "لكنه", "لكنها", "ولكن", "وان", "فان", "بان",
	"لان", "كان", "ان", "انه", "انها", "انهم", "بانه", "بانها", "لانه", "وانه", "وانها", "فانه", "الا",
	"اما", "اذا", "اذ", "لو", "لولا", "لا", "لم", "لن", "ما", "قد", "لقد", "وقد", "فقد", "سوف", "هل",
	"ولا", "ولم", "ولن", "وما", "يا", "اي", "ايا", "ايضا", "حيث", "كيف", "متي", "اين", "لماذا", "ماذا",
	"كل", "بعض", "جميع", "كلا", "كلتا", "ذات", "ذو", "ذي", "عدا", "خلا", "اذن", "كي", "لكي", "حين",
	// pronouns
	"انا", "نحن", "انت", "انتم", "انتن", "انتما", "هو", "هي", "هم", "هن", "هما", "وهو", "وهي", "وهم",
	// demonstratives and relatives
	"هذا", "هذه", "هذان", "هاتان", "هءلاء", "ذلك", "تلك", "ذاك", "اولءك", "اولاءك", "هناك", "هنا", "هنالك",
	"وهذا", "وهذه", "وذلك", "وتلك", "بهذا", "بهذه", "بذلك", "لهذا", "لهذه", "لذلك", "كذلك", "هكذا",
	"الذي", "التي", "الذين", "اللذان", "اللتان", "اللذين", "اللتين", "اللواتي", "اللاتي", "اللاءي",
	"والذي", "والتي", "والذين",
	// auxiliaries
	"كانت", "يكون", "تكون", "كانوا", "يكن", "تكن", "ليس", "ليست", "وكان", "وكانت", "اصبح", "اصبحت",
	"مازال", "لايزال",
)

// englishStopwords are English function words, lowercased. Read-only.
var englishStopwords = setOf(
	"a", "an", "the", "and", "or", "nor", "but", "if", "then", "than", "so", "of", "to", "in", "on", "at",
	"by", "for", "with", "from", "as", "into", "onto", "about", "over", "under", "after", "before",
	"between", "through", "during", "without", "within", "up", "down", "out", "off", "again", "is", "are",
	"was", "were", "be", "been", "being", "am", "it", "its", "this", "that", "these", "those", "he", "she",
	"they", "we", "you", "i", "me", "him", "her", "them", "us", "my", "your", "his", "our", "their",
	"not", "no", "do", "does", "did", "doing", "has", "have", "had", "having", "will", "would", "can",
	"could", "should", "may", "might", "shall", "must", "which", "who", "whom", "whose", "what", "when",
	"where", "why", "how", "all", "any", "each", "both", "few", "more", "most", "other", "some", "such",
	"own", "same", "too", "very", "just", "also", "there", "here", "s", "t",
)

func setOf(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}
