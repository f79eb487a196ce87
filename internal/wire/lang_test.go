package wire

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectLanguageScripts(t *testing.T) {
	cases := map[string]string{
		"ar": "قال الكرملين يوم الجمعة إن زيارة واشنطن من قبل مبعوث الرئيس أشارت إلى تفاؤل حذر بشأن تطبيع العلاقات.",
		"fa": "سخنگوی دولت گفت که این تصمیم پس از گفتگوهای طولانی با نمایندگان مجلس گرفته شده است و اجرا خواهد شد.",
		"ur": "وزیر اعظم نے کہا ہے کہ حکومت عوام کی فلاح و بہبود کے لیے ہر ممکن قدم اٹھائے گی اور مہنگائی کم کرے گی۔",
		"he": "ראש הממשלה אמר כי הממשלה תפעל בכל האמצעים כדי להבטיח את ביטחון האזרחים בדרום הארץ.",
		"ru": "Президент заявил, что правительство примет все необходимые меры для поддержки экономики страны.",
		"uk": "Президент заявив, що уряд вживе всіх необхідних заходів для підтримки економіки країни та її громадян.",
		"el": "Ο πρωθυπουργός δήλωσε ότι η κυβέρνηση θα λάβει όλα τα απαραίτητα μέτρα για τη στήριξη της οικονομίας.",
		"zh": "国务院总理表示，政府将采取一切必要措施支持经济发展，保障民生，稳定就业。",
		"ja": "政府は経済を支えるために必要なあらゆる措置を講じると首相は述べました。",
		"ko": "총리는 정부가 경제를 지원하기 위해 필요한 모든 조치를 취할 것이라고 말했다.",
		"th": "นายกรัฐมนตรีกล่าวว่ารัฐบาลจะดำเนินมาตรการที่จำเป็นทั้งหมดเพื่อสนับสนุนเศรษฐกิจ",
		"hi": "प्रधानमंत्री ने कहा कि सरकार अर्थव्यवस्था को समर्थन देने के लिए सभी आवश्यक कदम उठाएगी।",
		"en": "The prime minister said that the government would take all the measures that are needed to support the economy.",
		"fr": "Le premier ministre a déclaré que le gouvernement prendrait toutes les mesures nécessaires pour soutenir l'économie.",
		"es": "El primer ministro dijo que el gobierno tomará todas las medidas necesarias para apoyar la economía del país.",
		"de": "Der Ministerpräsident sagte, dass die Regierung alle notwendigen Maßnahmen ergreifen wird, um die Wirtschaft zu stützen.",
		"it": "Il primo ministro ha detto che il governo prenderà tutte le misure necessarie per sostenere l'economia del paese.",
		"pt": "O primeiro-ministro disse que o governo vai tomar todas as medidas necessárias para apoiar a economia do país.",
		"tr": "Başbakan, hükümetin ekonomiyi desteklemek için gerekli olan tüm önlemleri alacağını ve bu konuda çok kararlı olduğunu söyledi.",
		"":   "OK 123 — ✓",
	}
	for want, text := range cases {
		if got := DetectLanguage(text); got != want {
			t.Errorf("DetectLanguage(%.40q) = %q, want %q", text, got, want)
		}
	}
}

// TestDetectLanguageOnFixturePages detects the language of the text
// extracted from each page of the extraction fixtures whose language is
// known, without looking at the page's own declaration.
func TestDetectLanguageOnFixturePages(t *testing.T) {
	trafilatura := map[string]string{
		"automobilwoche.de-VW-Betriebsversammlung.html": "de", "badische-zeitung.de-Wohnungssuche.html": "de",
		"bbc.com.52241221.html": "en", "cbsnews.com.carolina.html": "en", "clarin.com-albertofernandez.html": "es",
		"die-partei.net.luebeck.html": "de", "dw.com-elephants.html": "fr", "dw.com.colonial.html": "en",
		"elpais.com.ciencia.html": "es", "franceculture.fr.idees.html": "fr", "gazetadopovo.com.br-pacheco.html": "pt",
		"heise.de.lithium.html": "de", "lastampa.it.temperature.html": "it", "tine.no.fotballskole.html": "no",
		"yle.fi.3-11212601.html": "fi", "nhk.or.jp.k100.html": "ja", "xinhuanet.com.c_1125597921.html": "zh",
		"spiegel.de.albtraum.html": "de", "lanacion.com.ar-jugada.html": "es", "nytimes.com.blackouts.html": "en",
	}
	right := 0
	for file, want := range trafilatura {
		a, err := Extract(readFixture(t, "extraction", "trafilatura", "pages", file), "https://example.org/")
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectLanguage(a.Text); got != want {
			t.Errorf("%s: detected %q, want %q", file, got, want)
		} else {
			right++
		}
	}
	dirs, _ := filepath.Glob(fixture(t, "extraction", "readability", "*", "expected-metadata.json"))
	for _, meta := range dirs {
		var m struct{ Lang string }
		raw, _ := os.ReadFile(meta)
		json.Unmarshal(raw, &m)
		want, _, _ := strings.Cut(strings.ToLower(m.Lang), "-")
		if _, profiled := stopwords[want]; !profiled && want != "zh" {
			continue
		}
		text := htmlFileText(t, filepath.Join(filepath.Dir(meta), "expected.html"))
		if strings.Contains(text, "Lorem ipsum") {
			continue // placeholder Latin, whatever the page declares
		}
		if got := DetectLanguage(text); got != want {
			t.Errorf("%s: detected %q, want %q", filepath.Base(filepath.Dir(meta)), got, want)
		} else {
			right++
		}
	}
	t.Logf("%d fixture pages' languages detected right", right)
}

func TestChooseLang(t *testing.T) {
	en := "The prime minister said that the government would take all the measures that are needed to support the economy."
	de := "Der Ministerpräsident sagte, dass die Regierung alle notwendigen Maßnahmen ergreifen wird, um die Wirtschaft zu stützen."
	ar := "قال الكرملين يوم الجمعة إن زيارة واشنطن من قبل مبعوث الرئيس أشارت إلى تفاؤل حذر بشأن تطبيع العلاقات."
	cases := []struct{ declared, text, want string }{
		{"en-gb", en, "en-gb"}, // agrees: the region is kept
		{"", de, "de"},         // nothing declared
		{"en", ar, "ar"},       // another script
		{"en", de, "de"},       // a template left at English
		{"cs", en, "cs"},       // no profile for Czech: the declaration stands
		{"pt-br", "ok", "pt-br"},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := chooseLang(c.declared, c.text); got != c.want {
			t.Errorf("chooseLang(%q, %.20q) = %q, want %q", c.declared, c.text, got, c.want)
		}
	}
}
