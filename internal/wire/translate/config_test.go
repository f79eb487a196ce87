package translate

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	bad := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "provider is required"},
		{Config{Provider: "google"}, `unknown provider "google"`},
		{Config{Provider: LibreTranslate}, "needs the URL"},
		{Config{Provider: LibreTranslate, URL: "ftp://lt"}, "want http:// or https://"},
		{Config{Provider: LibreTranslate, URL: "http://user:secret@lt"}, "must not carry credentials"},
		{Config{Provider: LibreTranslate, URL: "http://lt/?api_key=secret"}, "must not carry credentials"},
		{Config{Provider: LibreTranslate, URL: "http://lt", Model: "x"}, "no models"},
		{Config{Provider: DeepL}, "needs an API key"},
		{Config{Provider: DeepL, Key: "k", Model: "best"}, "model_type"},
		{Config{Provider: OpenAI, Key: "k"}, "needs a Model"},
		{Config{Provider: OpenAI, Model: "m"}, "needs an API key"},
		{Config{Provider: OpenAI, Model: "m", URL: "https://api.openai.com/v1"}, "needs an API key"},
		{Config{Provider: DeepL, Key: "k", RatePerSecond: -1}, "RatePerSecond"},
		{Config{Provider: DeepL, Key: "k", RatePerSecond: math.NaN()}, "RatePerSecond"},
		{Config{Provider: DeepL, Key: "k", Timeout: -1}, "negative"},
		{Config{Provider: DeepL, Key: "k", MaxSegmentBytes: 10}, "too small"},
		{Config{Provider: DeepL, Key: "k\nX-Evil: 1"}, "line break"},
	}
	for _, tc := range bad {
		err := tc.cfg.Validate()
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%v) = %v, want ErrConfig with %q", tc.cfg, err, tc.want)
		}
		if _, err := New(tc.cfg); err == nil {
			t.Errorf("New(%v) succeeded", tc.cfg)
		}
	}
	good := []Config{
		{Provider: LibreTranslate, URL: "http://lt:5000"},
		{Provider: DeepL, Key: "k:fx", RatePerSecond: 0.5},
		{Provider: OpenAI, Model: "local", URL: "http://llm:8080/v1"}, // self-hosted: no key needed
		{Provider: OpenAI, Model: "gpt-4o-mini", Key: "sk-x"},
	}
	for _, cfg := range good {
		p, err := New(cfg)
		if err != nil {
			t.Errorf("New(%v): %v", cfg, err)
			continue
		}
		if p.Name() != cfg.Provider {
			t.Errorf("Name() = %q", p.Name())
		}
	}
}

func TestConfigNeverShowsKey(t *testing.T) {
	const key = "sk-secret-should-not-appear"
	cfg := Config{Provider: OpenAI, Key: key, Model: "m"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", cfg)
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%v %+v", cfg, cfg), buf.String()} {
		if strings.Contains(s, key) {
			t.Errorf("key shown: %s", s)
		}
	}
	if !strings.Contains(buf.String(), `"key":"(set)"`) {
		t.Errorf("log = %s", buf.String())
	}
}
