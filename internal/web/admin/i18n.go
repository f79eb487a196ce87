package admin

// messages is the admin's message catalog. The UI language is the staff
// member's own (Locale), Arabic by default.
var messages = map[string]map[string]string{
	"ar": {
		"admin": "لوحة التحرير", "sign_in": "تسجيل الدخول", "sign_out": "خروج", "email": "البريد الإلكتروني", "password": "كلمة المرور",
		"bad_login": "البريد الإلكتروني أو كلمة المرور غير صحيحة.", "throttled": "محاولات كثيرة. انتظر ربع ساعة ثم حاول مجدداً.",
		"bad_request": "طلب غير صالح.", "error": "حدث خطأ؛ حاول مرة أخرى.", "not_found": "غير موجود.", "forbidden": "لا تملك صلاحية هذا الإجراء.",
		"too_large": "النص أكبر من المسموح.", "posts": "المقالات", "pages": "الصفحات", "new_post": "مقال جديد", "new_page": "صفحة جديدة",
		"all": "الكل", "draft": "مسودة", "scheduled": "مجدول", "published": "منشور", "status": "الحالة", "author": "الكاتب",
		"category": "القسم", "language": "اللغة", "filter": "تصفية", "title": "العنوان", "updated": "آخر تعديل", "actions": "إجراءات",
		"publish": "نشر", "unpublish": "إلغاء النشر", "delete": "حذف", "apply": "تطبيق", "edit": "تحرير", "view": "عرض",
		"standfirst": "المقدمة", "body": "النص", "slug": "الرابط المختصر", "tags": "الوسوم (مفصولة بفواصل)", "categories": "الأقسام",
		"featured": "الصورة البارزة", "image_url": "رابط الصورة", "alt": "النص البديل", "caption": "التعليق", "credit": "المصدر",
		"source": "مصدر الخبر", "source_name": "اسم المصدر", "source_url": "رابط الأصل", "source_lang": "لغة الأصل", "translated": "مترجم",
		"seo": "محركات البحث", "seo_title": "عنوان SEO", "seo_description": "وصف SEO", "canonical": "الرابط الأصلي (canonical)",
		"visibility": "الإتاحة", "public": "للجميع", "members": "للأعضاء", "paid": "للمشتركين", "edition": "مجموعة الطبعات اللغوية",
		"save": "حفظ", "schedule": "جدولة", "publish_at": "موعد النشر", "preview": "معاينة", "preview_link": "رابط معاينة خاص",
		"words": "كلمة", "autosaved": "حُفظ تلقائياً", "autosave_found": "لديك نسخة محفوظة تلقائياً أحدث من آخر حفظ.", "use_autosave": "استعادتها",
		"revisions": "المراجعات", "restore": "استعادة", "version": "النسخة", "kind_save": "حفظ", "kind_autosave": "حفظ تلقائي", "kind_restore": "استعادة",
		"conflict":      "عدّل محرر آخر هذا المقال بعد أن فتحته. نصك محفوظ في النموذج أدناه، وتغييراته معروضة للمقارنة؛ احفظ مجدداً لاعتماد نسختك.",
		"their_version": "نسخة المحرر الآخر", "cannot_publish": "لا تملك صلاحية النشر؛ احفظ المقال مسودة ليراجعه محرر.",
		"bad_schedule": "اختر موعداً في المستقبل للجدولة.", "post_type": "النوع", "page": "صفحة", "post": "مقال",
		"flash_saved": "حُفظ.", "flash_restored": "استُعيدت المراجعة.", "flash_restore_conflict": "عدّل أحدهم المقال؛ راجع النسخة الحالية ثم أعد المحاولة.",
		"flash_bulk_done": "تم.", "flash_bulk_partial": "نُفّذ الإجراء إلا على مقالات لا تملك صلاحيتها.",
		"no_posts": "لا مقالات بعد.", "prev": "السابق", "next": "التالي", "total": "المجموع", "diff": "الفرق عن النسخة الحالية",
		"toolbar": "أدوات التنسيق", "by": "بقلم",
		"staff": "الفريق", "name": "الاسم", "role": "الدور", "invite": "دعوة عضو جديد", "send_invite": "إرسال الدعوة",
		"role_owner": "مالك", "role_administrator": "مدير", "role_editor": "محرر", "role_author": "كاتب", "role_contributor": "مساهم",
		"invite_subject": "دعوة للانضمام إلى غرفة الأخبار", "invite_body": "دعاك %s للانضمام إلى غرفة الأخبار.\n\nأنشئ حسابك من هذا الرابط (صالح سبعة أيام):\n%s\n",
		"reset_subject": "إعادة تعيين كلمة المرور", "reset_body": "طُلب تغيير كلمة مرورك. إن كنت أنت، فاستخدم هذا الرابط خلال ساعة:\n%s\n\nإن لم تطلبه فتجاهل هذه الرسالة.\n",
		"forgot": "نسيت كلمة المرور؟", "send_link": "أرسل رابط التغيير", "reset_sent": "إن كان للعنوان حساب، فقد أرسلنا إليه رابطاً لتغيير كلمة المرور.",
		"new_password": "كلمة مرور جديدة", "bad_link": "هذا الرابط غير صالح أو مستخدم أو منتهي الصلاحية.", "join": "الانضمام إلى الفريق",
		"flash_invited": "أُرسلت الدعوة.", "flash_password_set": "غُيّرت كلمة المرور؛ سجّل الدخول.", "flash_joined": "أُنشئ حسابك؛ سجّل الدخول.",
		"media": "الوسائط", "upload": "رفع", "file": "الملف", "no_media": "لا وسائط بعد.", "upload_expected": "أرسل ملف صورة في حقل file.",
		"flash_uploaded": "رُفعت الصورة.",
		"settings":       "الإعدادات", "site_title": "اسم الموقع", "site_description": "وصف الموقع", "publisher_logo": "شعار الناشر (رابط)",
		"timezone": "المنطقة الزمنية", "digits": "الأرقام", "months": "أسماء الأشهر", "hijri": "إظهار التاريخ الهجري",
		"posts_per_page": "مقالات في الصفحة", "nav_menu": "قائمة التنقل (الاسم | الرابط في كل سطر؛ فارغة = الأقسام)", "social_links": "روابط التواصل (الاسم | الرابط)",
	},
	"en": {
		"admin": "Newsroom", "sign_in": "Sign in", "sign_out": "Sign out", "email": "Email", "password": "Password",
		"bad_login": "Wrong email or password.", "throttled": "Too many attempts. Wait a quarter of an hour and try again.",
		"bad_request": "Bad request.", "error": "Something went wrong; please try again.", "not_found": "Not found.", "forbidden": "You may not do that.",
		"too_large": "The text is larger than allowed.", "posts": "Posts", "pages": "Pages", "new_post": "New post", "new_page": "New page",
		"all": "All", "draft": "Draft", "scheduled": "Scheduled", "published": "Published", "status": "Status", "author": "Author",
		"category": "Section", "language": "Language", "filter": "Filter", "title": "Title", "updated": "Updated", "actions": "Actions",
		"publish": "Publish", "unpublish": "Unpublish", "delete": "Delete", "apply": "Apply", "edit": "Edit", "view": "View",
		"standfirst": "Standfirst", "body": "Body", "slug": "Slug", "tags": "Tags (comma-separated)", "categories": "Sections",
		"featured": "Featured image", "image_url": "Image URL", "alt": "Alt text", "caption": "Caption", "credit": "Credit",
		"source": "Source", "source_name": "Source name", "source_url": "Original URL", "source_lang": "Original language", "translated": "Translated",
		"seo": "Search engines", "seo_title": "SEO title", "seo_description": "SEO description", "canonical": "Canonical URL",
		"visibility": "Visibility", "public": "Public", "members": "Members", "paid": "Paid", "edition": "Language edition group",
		"save": "Save", "schedule": "Schedule", "publish_at": "Publish at", "preview": "Preview", "preview_link": "Private preview link",
		"words": "words", "autosaved": "Autosaved", "autosave_found": "You have an autosaved version newer than the last save.", "use_autosave": "Restore it",
		"revisions": "Revisions", "restore": "Restore", "version": "Version", "kind_save": "save", "kind_autosave": "autosave", "kind_restore": "restore",
		"conflict":      "Another editor changed this post after you opened it. Your text is kept in the form below and their changes are shown for comparison; save again to keep yours.",
		"their_version": "The other editor's version", "cannot_publish": "You may not publish; save as a draft for an editor to review.",
		"bad_schedule": "Choose a time in the future to schedule.", "post_type": "Type", "page": "Page", "post": "Post",
		"flash_saved": "Saved.", "flash_restored": "Revision restored.", "flash_restore_conflict": "Someone changed the post; review the current version and try again.",
		"flash_bulk_done": "Done.", "flash_bulk_partial": "Done, except for posts you may not change.",
		"no_posts": "No posts yet.", "prev": "Previous", "next": "Next", "total": "Total", "diff": "Difference from the current version",
		"toolbar": "Formatting", "by": "By",
		"staff": "Staff", "name": "Name", "role": "Role", "invite": "Invite someone", "send_invite": "Send the invitation",
		"role_owner": "Owner", "role_administrator": "Administrator", "role_editor": "Editor", "role_author": "Author", "role_contributor": "Contributor",
		"invite_subject": "Join the newsroom", "invite_body": "%s invited you to join the newsroom.\n\nCreate your account with this link (valid for seven days):\n%s\n",
		"reset_subject": "Reset your password", "reset_body": "Someone asked to change your password. If it was you, use this link within an hour:\n%s\n\nIf not, ignore this message.\n",
		"forgot": "Forgot your password?", "send_link": "Send me a link", "reset_sent": "If the address has an account, we sent it a link to change the password.",
		"new_password": "New password", "bad_link": "This link is invalid, used or expired.", "join": "Join the newsroom",
		"flash_invited": "Invitation sent.", "flash_password_set": "Password changed; sign in.", "flash_joined": "Your account is ready; sign in.",
		"media": "Media", "upload": "Upload", "file": "File", "no_media": "No media yet.", "upload_expected": "Send an image file in the file field.",
		"flash_uploaded": "Image uploaded.",
		"settings":       "Settings", "site_title": "Site title", "site_description": "Site description", "publisher_logo": "Publisher logo (URL)",
		"timezone": "Time zone", "digits": "Digits", "months": "Month names", "hijri": "Show the Hijri date",
		"posts_per_page": "Posts per page", "nav_menu": "Navigation (Name | URL per line; empty = sections)", "social_links": "Social links (Name | URL)",
	},
}

// tr returns the message for key in lang, falling back to Arabic, then the key.
func tr(lang, key string) string {
	for _, l := range []string{lang, "ar"} {
		if s, ok := messages[l][key]; ok {
			return s
		}
		if s, ok := readerMessages[l][key]; ok {
			return s
		}
		if s, ok := commentMessages[l][key]; ok {
			return s
		}
		if s, ok := wireMessages[l][key]; ok {
			return s
		}
	}
	return key
}
