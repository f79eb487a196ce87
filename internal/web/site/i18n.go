package site

import "strings"

// messages is the public site's message catalog, per UI language. The page's
// language picks the catalog; unknown languages fall back to English.
var messages = map[string]map[string]string{
	"ar": {
		"skip": "انتقل إلى المحتوى", "sections": "الأقسام", "search": "بحث", "back_to_top": "العودة إلى الأعلى",
		"by": "بقلم", "updated": "حُدّث", "min_read": "%d د قراءة", "read_in": "اقرأ بالعربية",
		"source": "المصدر:", "translated_from": "تُرجم هذا المقال آلياً عن %s.", "related": "اقرأ أيضاً",
		"latest": "آخر الأخبار", "subscribe_title": "اشترك في النشرة",
		"subscribe_text": "اشترك للحصول على أحدث المقالات في بريدك الإلكتروني.", "email": "بريدك الإلكتروني",
		"subscribe": "اشترك", "pages": "الصفحات", "newer": "الأحدث", "older": "الأقدم", "page": "صفحة",
		"breadcrumbs": "مسار التنقل", "home": "الرئيسية", "no_posts": "لا توجد مقالات هنا بعد.",
		"category": "القسم", "tag": "الوسم", "author": "الكاتب", "archive": "أرشيف",
		"not_found": "الصفحة غير موجودة", "not_found_text": "لم نعثر على ما تبحث عنه. ربما نُقل أو لم يعد موجوداً.",
		"gone": "حُذفت هذه الصفحة", "gone_text": "أزال فريق التحرير هذا المحتوى نهائياً.",
		"bad_request": "طلب غير صالح", "bad_request_text": "لم نفهم هذا العنوان.",
		"error": "حدث خطأ", "error_text": "تعذّر عرض الصفحة الآن. حاول بعد قليل.",
		"gate_members": "هذا المقال لأعضاء الموقع", "gate_paid": "هذا المقال للمشتركين", "continue_reading": "متابعة القراءة",
		"gate_text": "اشترك الآن للاستمرار في القراءة والحصول على حق الوصول إلى الأرشيف الكامل.", "sign_in": "تسجيل الدخول",
		"subscribe_closed": "الاشتراك غير متاح بعد", "subscribe_closed_text": "لم يُفعّل هذا الموقع النشرة البريدية بعد.",
	},
	"en": {
		"skip": "Skip to content", "sections": "Sections", "search": "Search", "back_to_top": "Back to top",
		"by": "By", "updated": "Updated", "min_read": "%d min read", "read_in": "Read in English",
		"source": "Source:", "translated_from": "Machine-translated from %s.", "related": "Related",
		"latest": "Latest", "subscribe_title": "Subscribe to the newsletter",
		"subscribe_text": "Subscribe to get the latest posts sent to your email.", "email": "Your email address",
		"subscribe": "Subscribe", "pages": "Pages", "newer": "Newer", "older": "Older", "page": "Page",
		"breadcrumbs": "Breadcrumbs", "home": "Home", "no_posts": "No posts here yet.",
		"category": "Category", "tag": "Tag", "author": "Author", "archive": "Archive",
		"not_found": "Page not found", "not_found_text": "We could not find what you were looking for. It may have moved or no longer exist.",
		"gone": "This page was removed", "gone_text": "The editors removed this content for good.",
		"bad_request": "Bad request", "bad_request_text": "We could not understand this address.",
		"error": "Something went wrong", "error_text": "The page cannot be shown right now. Please try again shortly.",
		"gate_members": "This article is for members", "gate_paid": "This article is for paying subscribers", "continue_reading": "Continue reading",
		"gate_text": "Subscribe now to keep reading and get access to the full archive.", "sign_in": "Sign in",
		"subscribe_closed": "Subscriptions are not open yet", "subscribe_closed_text": "This site has not set up its newsletter yet.",
	},
}

// tr returns the message for key in lang ("ar-EG" uses "ar").
func tr(lang, key string) string {
	base, _, _ := strings.Cut(lang, "-")
	if m, ok := messages[base]; ok {
		if s, ok := m[key]; ok {
			return s
		}
	}
	return messages["en"][key]
}

var languageNames = map[string]map[string]string{
	"ar": {"en": "الإنجليزية", "ar": "العربية", "fr": "الفرنسية", "ru": "الروسية", "es": "الإسبانية", "de": "الألمانية", "tr": "التركية", "fa": "الفارسية"},
	"en": {"en": "English", "ar": "Arabic", "fr": "French", "ru": "Russian", "es": "Spanish", "de": "German", "tr": "Turkish", "fa": "Persian"},
}

// languageName names code in the reader's language, or gives the code.
func languageName(readerLang, code string) string {
	base, _, _ := strings.Cut(readerLang, "-")
	if m, ok := languageNames[base]; ok {
		if n, ok := m[code]; ok {
			return n
		}
	} else if n, ok := languageNames["en"][code]; ok {
		return n
	}
	return code
}
