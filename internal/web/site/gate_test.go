package site

import (
	"strings"
	"testing"
)

func TestSplitParagraphs(t *testing.T) {
	body := "<p>one <bdi>NBC</bdi></p>\n<h2 id=\"x\">t</h2>\n<p>two</p>\n<blockquote><p>q</p></blockquote>\n<p>three</p>"
	head, tail := splitParagraphs(body, 2)
	if strings.Count(head, "<p>") != 2 || !strings.Contains(head, "<h2") || !strings.Contains(tail, "three") || strings.Contains(head, "three") {
		t.Fatalf("head %q\ntail %q", head, tail)
	}
	if head, tail := splitParagraphs(body, 0); head != "" || !strings.Contains(tail, "one") {
		t.Fatalf("zero: %q / %q", head, tail)
	}
	if head, tail := splitParagraphs(body, 10); tail != "" || !strings.Contains(head, "three") {
		t.Fatalf("all: %q / %q", head, tail)
	}
}
