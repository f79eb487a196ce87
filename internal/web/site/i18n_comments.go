package site

import "strings"

// commentMessages is the public site's catalog for the discussion under
// articles; tr looks here after messages. ce_ + field + _ + code names the
// reason a comment was refused (comments.InvalidError).
var commentMessages = map[string]map[string]string{
	"ar": {
		"search_filters": "تضييق البحث", "search_all": "الكل", "search_lang": "اللغة", "search_lang_ar": "العربية", "search_lang_en": "الإنجليزية",
		"search_from": "من تاريخ", "search_to": "إلى تاريخ", "search_sort": "الترتيب", "search_relevance": "الأقرب صلة", "search_date": "الأحدث",
		"search_found": "النتائج", "search_none": "لم نجد ما يطابق بحثك. جرّب كلمات أخرى أو أقل.",
		"search_bad_sort": "ترتيب غير معروف.", "search_bad_lang": "لغة غير معروفة.", "search_bad_category": "لا يوجد قسم بهذا الاسم.",
		"search_bad_date": "اكتب التاريخ بالشكل 2026-11-29.", "search_bad_page": "رقم الصفحة غير صالح.",
		"cm_title": "التعليقات", "cm_count_one": "تعليق واحد", "cm_count_two": "تعليقان", "cm_count_few": "%d تعليقات",
		"cm_count_many": "%d تعليقاً", "cm_count": "%d تعليق", "cm_none": "لا تعليقات بعد. كن أول من يعلّق.",
		"cm_leave": "أضف تعليقاً", "cm_private": "لن يُنشر بريدك الإلكتروني. الحقول المطلوبة مشار إليها *",
		"cm_name": "الاسم", "cm_email": "البريد الإلكتروني", "cm_url": "الموقع (اختياري)", "cm_body": "التعليق",
		"cm_notify": "أعلمني بالردود على تعليقي بالبريد", "cm_submit": "أرسل التعليق", "cm_reply": "رد",
		"cm_reply_to": "رداً على", "cm_cancel_reply": "إلغاء الرد", "cm_held": "شكراً لك. تعليقك بانتظار مراجعة المحررين.",
		"cm_closed": "التعليقات مغلقة على هذا المقال.", "cm_aged": "أُغلقت التعليقات على هذا المقال بعد مرور مدة على نشره.",
		"cm_as_member": "تعلّق باسم", "cm_oldest": "الأقدم أولاً", "cm_newest": "الأحدث أولاً", "cm_staff": "فريق التحرير",
		"cm_edited": "(عُدّل)", "cm_feed": "خلاصة التعليقات", "cm_feed_site": "التعليقات", "cm_feed_post": "التعليقات على",
		"cm_by": "تعليق من", "cm_member": "عضو", "cm_hint": "يمكنك استخدام *مائل* و**عريض** و[روابط](https://…) واقتباس بعلامة >.",
		"cm_sort": "ترتيب التعليقات", "cm_error": "لم يُنشر تعليقك",
		"ce_name_required": "اكتب اسمك.", "ce_name_too-long": "الاسم أطول من المسموح.",
		"ce_email_required": "اكتب بريدك الإلكتروني (لن يُنشر).", "ce_email_bad-email": "هذا البريد الإلكتروني غير صالح.",
		"ce_email_too-long": "البريد الإلكتروني أطول من المسموح.", "ce_url_bad-url": "عنوان الموقع يجب أن يبدأ بـ http:// أو https://.",
		"ce_url_too-long": "عنوان الموقع أطول من المسموح.", "ce_body_required": "اكتب تعليقك.", "ce_body_too-long": "التعليق أطول من المسموح.",
		"ce_parent_bad-parent": "التعليق الذي ترد عليه غير موجود.", "ce_account_bad-account": "تعذّر التعرف على حسابك؛ سجّل الدخول مجدداً.",
		"ce_rate": "تعليقات كثيرة في وقت قصير. انتظر قليلاً ثم أعد الإرسال.", "ce_too_fast": "أُرسل النموذج بسرعة كبيرة. تمهّل لحظة ثم أعد الإرسال.",
		"ce_token": "انتهت صلاحية النموذج. أعد الإرسال.", "ce_duplicate": "سبق أن أرسلت هذا التعليق.", "ce_closed": "التعليقات مغلقة على هذا المقال.",
	},
	"en": {
		"search_filters": "Narrow the search", "search_all": "All", "search_lang": "Language", "search_lang_ar": "Arabic", "search_lang_en": "English",
		"search_from": "From", "search_to": "To", "search_sort": "Sort", "search_relevance": "Best match", "search_date": "Newest",
		"search_found": "Results", "search_none": "Nothing matches your search. Try other or fewer words.",
		"search_bad_sort": "Unknown sort order.", "search_bad_lang": "Unknown language.", "search_bad_category": "There is no such category.",
		"search_bad_date": "Write dates as 2026-11-29.", "search_bad_page": "That page number is not valid.",
		"cm_title": "Comments", "cm_count_one": "1 comment", "cm_count": "%d comments", "cm_none": "No comments yet. Be the first.",
		"cm_leave": "Leave a comment", "cm_private": "Your email address will not be published. Required fields are marked *",
		"cm_name": "Name", "cm_email": "Email", "cm_url": "Website (optional)", "cm_body": "Comment",
		"cm_notify": "Email me replies to my comment", "cm_submit": "Post comment", "cm_reply": "Reply",
		"cm_reply_to": "Replying to", "cm_cancel_reply": "Cancel reply", "cm_held": "Thank you. Your comment is awaiting moderation.",
		"cm_closed": "Comments are closed.", "cm_aged": "Comments closed some time after this post was published.",
		"cm_as_member": "Commenting as", "cm_oldest": "Oldest first", "cm_newest": "Newest first", "cm_staff": "Newsroom",
		"cm_edited": "(edited)", "cm_feed": "Comments feed", "cm_feed_site": "Comments", "cm_feed_post": "Comments on",
		"cm_by": "Comment by", "cm_member": "Member", "cm_hint": "You may use *italics*, **bold**, [links](https://…) and > quotes.",
		"cm_sort": "Sort comments", "cm_error": "Your comment was not posted",
		"ce_name_required": "Please give your name.", "ce_name_too-long": "The name is too long.",
		"ce_email_required": "Please give your email address (it is not published).", "ce_email_bad-email": "This email address is not valid.",
		"ce_email_too-long": "The email address is too long.", "ce_url_bad-url": "The website must start with http:// or https://.",
		"ce_url_too-long": "The website address is too long.", "ce_body_required": "Please write a comment.", "ce_body_too-long": "The comment is too long.",
		"ce_parent_bad-parent": "The comment you reply to does not exist.", "ce_account_bad-account": "Your account could not be found; sign in again.",
		"ce_rate": "Too many comments in a short time. Wait a little, then send again.", "ce_too_fast": "The form was sent very fast. Take a moment, then send again.",
		"ce_token": "The form expired. Please send again.", "ce_duplicate": "You already posted this comment.", "ce_closed": "Comments are closed.",
	},
}

// commentCountIn says n comments in lang ("٣ تعليقات", "1 comment"), with
// the digits the site's settings ask for.
func commentCountIn(st *state, lang string, n int) string {
	return trPlural(st, lang, "cm_count", n)
}

// trPlural is the message key for n in lang, in n's plural form: key_one,
// key_two, key_few, key_many when the catalog has that form, key (the
// "other" form) otherwise; %d becomes n in the site's digits.
func trPlural(st *state, lang, key string, n int) string {
	msg := ""
	if form := pluralForm(lang, n); form != "other" {
		msg = tr(lang, key+"_"+form)
	}
	if msg == "" {
		msg = tr(lang, key)
	}
	return strings.ReplaceAll(msg, "%d", formatNumIn(st, lang, n))
}

// pluralForm is the CLDR plural category of the whole number n in lang.
// Arabic has six: zero (0), one (1), two (2), few (3–10: "٣ تعليقات"),
// many (11–99: "١١ تعليقاً") and other (100–102: "١٠٠ تعليق"), the last
// three by n's last two digits (103 is few, 111 many). Other languages get
// English's one and other, as the catalogs fall back to English.
func pluralForm(lang string, n int) string {
	base, _, _ := strings.Cut(lang, "-")
	if base != "ar" {
		if n == 1 {
			return "one"
		}
		return "other"
	}
	switch m := n % 100; {
	case n == 0:
		return "zero"
	case n == 1:
		return "one"
	case n == 2:
		return "two"
	case m >= 3 && m <= 10:
		return "few"
	case m >= 11:
		return "many"
	}
	return "other"
}
