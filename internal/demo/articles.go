package demo

import "nashra.dev/nashra/internal/content"

// articles are the demo's own stories, written for this project.
func articles(authors, cats map[string]int64, img map[string]content.Image) []content.PostInput {
	return []content.PostInput{
		{
			Title:      "افتتاح أكبر محطة للطاقة الشمسية في المنطقة بقدرة 2 غيغاواط",
			Standfirst: "المحطة الجديدة تغذي نحو مليون منزل، ويقول مشغلوها إنها ستخفض فاتورة الكهرباء خلال ثلاث سنوات.",
			BodyMD: `افتُتحت صباح اليوم محطة للطاقة الشمسية بقدرة **2 غيغاواط**، في مشروع يقول القائمون عليه إنه الأكبر من نوعه في المنطقة.

وتمتد الألواح على مساحة تقارب 40 كيلومتراً مربعاً، وتعمل بتقنية التتبع الأحادي التي تدير الألواح مع حركة الشمس.

## ماذا يعني ذلك للمستهلكين؟

قالت مديرة المشروع للصحفيين: «نتوقع أن تنخفض كلفة الكيلوواط ساعة بنحو الخُمس خلال ثلاث سنوات».

> «الطاقة الرخيصة هي أفضل سياسة صناعية يمكن أن تملكها دولة» — من كلمة الافتتاح

ويرى محللون في Bloomberg NEF أن المشروع يضع معياراً جديداً للأسعار في الأسواق الناشئة.

- القدرة: 2 غيغاواط
- عدد الألواح: 3.8 مليون لوح
- فرص العمل: 4,000 وظيفة خلال البناء`,
			Status: content.Published, Lang: "ar", AuthorIDs: []int64{authors["lina"]}, CategoryIDs: []int64{cats["economy"]},
			TagNames: []string{"طاقة", "طاقة شمسية", "اقتصاد أخضر"}, Featured: img["solar"], TranslationGroup: "demo-solar-plant",
		},
		{
			Title:      "Region's largest solar plant opens with 2 GW of capacity",
			Standfirst: "The new plant will supply about a million homes, and its operators say it will cut electricity bills within three years.",
			BodyMD: `A 2-gigawatt solar plant opened this morning, a project its developers call the largest of its kind in the region.

The panels cover almost 40 square kilometres and use single-axis trackers that turn them with the sun.

## What it means for consumers

"We expect the cost of a kilowatt-hour to fall by about a fifth within three years," the project's director told reporters.`,
			Status: content.Published, Lang: "en", AuthorIDs: []int64{authors["omar"]}, CategoryIDs: []int64{cats["economy"]},
			TagNames: []string{"energy"}, Featured: img["solar"], TranslationGroup: "demo-solar-plant",
		},
		{
			Title:      "جامعات عربية تطلق منصة مفتوحة لتعليم البرمجة باللغة العربية",
			Standfirst: "المنصة مجانية وتضم أكثر من 200 درس، من أساسيات Python إلى تطوير تطبيقات الويب.",
			BodyMD: `أعلنت مجموعة من الجامعات العربية إطلاق منصة مفتوحة لتعليم البرمجة، تقدم دروسها بالعربية الفصحى مع أمثلة من الحياة اليومية.

وتبدأ المسارات بأساسيات لغة Python، ثم تنتقل إلى قواعد البيانات مع PostgreSQL وتطوير الويب.

### لماذا بالعربية؟

يقول أحد المشرفين على المشروع إن «الحاجز الأول أمام كثير من الطلاب هو اللغة لا المنطق».

` + "```python\nprint(\"مرحبا بالعالم\")\n```",
			Status: content.Published, Lang: "ar", AuthorIDs: []int64{authors["desk"]}, CategoryIDs: []int64{cats["tech"]},
			TagNames: []string{"تعليم", "برمجة"}, Featured: img["code"],
		},
		{
			Title:      "معرض الكتاب يستقبل زواره بمشاركة أكثر من ألف دار نشر",
			Standfirst: "الدورة الجديدة تحتفي بالترجمة، وتخصص جناحاً لكتب الأطفال الرقمية.",
			BodyMD: `فتح معرض الكتاب أبوابه أمام الزوار بمشاركة أكثر من ألف دار نشر من ثلاثين بلداً.

وتحل الترجمة ضيف شرف على هذه الدورة، مع ندوات يومية عن نقل الأدب بين العربية واللغات الأخرى.

1. ندوة افتتاحية عن ترجمة الشعر
2. ورش للناشرين الشباب
3. جناح للكتب الرقمية للأطفال`,
			Status: content.Published, Lang: "ar", AuthorIDs: []int64{authors["lina"]}, CategoryIDs: []int64{cats["culture"]},
			TagNames: []string{"كتب", "ترجمة"},
		},
		{
			Title:      "اجتماع إقليمي لبحث إدارة المياه المشتركة",
			Standfirst: "وزراء من خمس دول يناقشون خطة لتبادل البيانات عن مناسيب الأنهار والمياه الجوفية.",
			BodyMD: `يجتمع وزراء المياه في خمس دول هذا الأسبوع لبحث خطة مشتركة لإدارة الموارد المائية.

وتقترح المسودة منصة لتبادل بيانات مناسيب الأنهار لحظياً، وآلية للتشاور قبل تشغيل السدود الجديدة.`,
			Status: content.Published, Lang: "ar", AuthorIDs: []int64{authors["desk"]}, CategoryIDs: []int64{cats["mideast"], cats["world"]},
			TagNames: []string{"مياه", "دبلوماسية"}, Featured: img["water"],
		},
		{
			Title:      "City council approves a 120 km cycling network",
			Standfirst: "Protected lanes will link every district to the centre by 2028.",
			BodyMD: `The city council voted on Tuesday to build 120 kilometres of protected cycling lanes.

The plan links every district to the centre and adds secure parking at metro stations.`,
			Status: content.Published, Lang: "en", AuthorIDs: []int64{authors["omar"]}, CategoryIDs: []int64{cats["world"]},
			TagNames: []string{"cities", "transport"},
		},
		{
			Type: content.TypePage, Slug: "about", Title: "من نحن",
			Standfirst: "نشرة موقع إخباري مستقل يعمل بالعربية أولاً.",
			BodyMD:     "نشرة موقع تجريبي يعرض ما تقدمه منصة **Nashra** للنشر: موقع عربي أولاً، سريع، بلا متتبعات.\n\nللتواصل: اكتب إلى فريق التحرير.",
			Status:     content.Published, Lang: "ar",
		},
	}
}
