package demo

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"nashra.dev/nashra/internal/content"
)

// sampleArticle is the wire story of seed-article.txt, taken apart: the
// category line, the headline with the source glued to it by the original
// site ("… – RT World News"), the standfirst, and the body up to the page's
// boilerplate (subscribe box, comment form, "back to top").
type sampleArticle struct {
	Category, Title, Source, Standfirst string
	Paragraphs                          []string
}

// boilerplate starts the part of the saved page that is site furniture.
var boilerplate = []string{"اكتشاف المزيد", "اشترك", "اترك تعليقاً", "زر الذهاب إلى الأعلى", "Continue reading"}

func readSample(path string) (*sampleArticle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lines) < 4 {
		return nil, fmt.Errorf("%s: expected a category, a title, a standfirst and a body", path)
	}
	a := &sampleArticle{Category: lines[0], Title: lines[1], Standfirst: lines[2]}
	for _, sep := range []string{" – ", " — ", " - ", " | "} {
		if i := strings.LastIndex(a.Title, sep); i > 0 {
			a.Title, a.Source = strings.TrimSpace(a.Title[:i]), strings.TrimSpace(a.Title[i+len(sep):])
			break
		}
	}
	for _, l := range lines[3:] {
		if isBoilerplate(l) {
			break
		}
		a.Paragraphs = append(a.Paragraphs, l)
	}
	return a, nil
}

func isBoilerplate(line string) bool {
	for _, b := range boilerplate {
		if strings.HasPrefix(line, b) {
			return true
		}
	}
	return false
}

// input turns the sample into a post with a structured source credit: the
// outlet's name leaves the headline and becomes a credit, and the story is
// marked as machine-translated from English.
func (a *sampleArticle) input(author int64, cats map[string]int64) content.PostInput {
	var catIDs []int64
	if a.Category == "أخبار العالم" {
		catIDs = []int64{cats["world"]}
	}
	source := content.Source{Name: a.Source, Lang: "en", Translated: true}
	if source.Name == "" {
		source.Name = "RT World News"
	}
	return content.PostInput{
		Title: a.Title, Standfirst: a.Standfirst, BodyMD: strings.Join(escapeMarkdown(a.Paragraphs), "\n\n"),
		Status: content.Published, Lang: "ar", AuthorIDs: []int64{author}, CategoryIDs: catIDs,
		TagNames: []string{"روسيا", "الولايات المتحدة", "دبلوماسية"}, Source: source,
	}
}

// escapeMarkdown keeps plain paragraphs plain: brackets such as "[Russian]"
// in the translated text must not become links or footnotes.
func escapeMarkdown(paras []string) []string {
	r := strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", "#", `\#`)
	out := make([]string, len(paras))
	for i, p := range paras {
		out[i] = r.Replace(p)
	}
	return out
}
