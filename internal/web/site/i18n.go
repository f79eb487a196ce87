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
		"m_signup": "الاشتراك في النشرة", "m_check": "تحقق من بريدك", "m_confirmed": "تم تأكيد اشتراكك", "m_signin": "دخول الأعضاء",
		"m_account": "حسابي", "m_unsubscribe": "إلغاء الاشتراك", "m_unsubscribed": "ألغي اشتراكك", "m_deleted": "حُذف حسابك", "m_message": "نشرة",
		"m_check_text": "أرسلنا رسالة إلى بريدك. افتح الرابط الذي فيها للمتابعة.", "m_confirmed_text": "ستصلك النشرات التي اخترتها. أهلاً بك.",
		"m_signin_text": "أدخل بريدك وسنرسل إليك رابط دخول صالحاً لربع ساعة.", "m_send_link": "أرسل رابط الدخول",
		"m_unsubscribe_text": "هل تريد التوقف عن تلقي هذه النشرة؟", "m_unsubscribe_button": "نعم، ألغِ اشتراكي",
		"m_unsubscribed_text": "لن تصلك هذه النشرة بعد الآن. يمكنك الاشتراك من جديد في أي وقت.",
		"cm_unsub_ask":        "هل تريد التوقف عن تلقي إشعارات الردود على تعليقاتك (ومنها تعليقك على «%s»)؟",
		"cm_unsub_done":       "لن تصلك إشعارات الردود على تعليقاتك بعد الآن.", "m_deleted_text": "محونا بياناتك من الموقع.",
		"m_bad_link": "هذا الرابط غير صالح أو مستخدم أو منتهي الصلاحية.", "m_throttled": "طلبات كثيرة في وقت قصير. حاول بعد دقائق.",
		"m_saved": "حُفظت تفضيلاتك.", "m_email_sent": "أرسلنا رابط تأكيد إلى العنوان الجديد.", "m_email_changed": "غُيّر بريدك.",
		"m_confirm_delete": "ضع علامة التأكيد لحذف الحساب.", "m_newsletters": "النشرات", "m_frequency": "التكرار",
		"m_every": "مع كل مقال", "m_daily": "ملخص يومي", "m_weekly": "ملخص أسبوعي", "m_change_email": "تغيير البريد",
		"m_export": "تنزيل بياناتي", "m_delete": "حذف حسابي", "m_delete_confirm": "أفهم أن الحذف نهائي", "m_signout": "خروج", "save": "حفظ",
		"name":             "الاسم (اختياري)",
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
		"m_signup": "Subscribe", "m_check": "Check your inbox", "m_confirmed": "You are subscribed", "m_signin": "Members' sign-in",
		"m_account": "My account", "m_unsubscribe": "Unsubscribe", "m_unsubscribed": "You are unsubscribed", "m_deleted": "Your account is deleted", "m_message": "Newsletter",
		"m_check_text": "We sent you an email. Open the link in it to continue.", "m_confirmed_text": "You will get the newsletters you chose. Welcome.",
		"m_signin_text": "Enter your email and we will send you a sign-in link valid for 15 minutes.", "m_send_link": "Send the link",
		"m_unsubscribe_text": "Stop receiving this newsletter?", "m_unsubscribe_button": "Yes, unsubscribe me",
		"m_unsubscribed_text": "You will not get this newsletter any more. You can subscribe again at any time.",
		"cm_unsub_ask":        "Stop the emails about replies to your comments (such as the one on “%s”)?",
		"cm_unsub_done":       "You will not get emails about replies to your comments any more.", "m_deleted_text": "We erased your data from the site.",
		"m_bad_link": "This link is invalid, used or expired.", "m_throttled": "Too many requests in a short time. Try again in a few minutes.",
		"m_saved": "Your preferences are saved.", "m_email_sent": "We sent a confirmation link to the new address.", "m_email_changed": "Your email is changed.",
		"m_confirm_delete": "Tick the confirmation to delete the account.", "m_newsletters": "Newsletters", "m_frequency": "Frequency",
		"m_every": "Every post", "m_daily": "Daily digest", "m_weekly": "Weekly digest", "m_change_email": "Change email",
		"m_export": "Download my data", "m_delete": "Delete my account", "m_delete_confirm": "I understand deleting is final", "m_signout": "Sign out", "save": "Save",
		"name":             "Name (optional)",
		"subscribe_closed": "Subscriptions are not open yet", "subscribe_closed_text": "This site has not set up its newsletter yet.",
	},
}

// tr returns the message for key in lang ("ar-EG" uses "ar").
func tr(lang, key string) string {
	base, _, _ := strings.Cut(lang, "-")
	if _, ok := messages[base]; !ok {
		base = "en"
	}
	if s, ok := messages[base][key]; ok {
		return s
	}
	return commentMessages[base][key]
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
