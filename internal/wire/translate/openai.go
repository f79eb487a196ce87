package translate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// openai speaks the OpenAI chat-completions API, as OpenAI and the many
// servers that copy it (vLLM, llama.cpp, Ollama, LocalAI…) do:
//
//	POST {base}/v1/chat/completions   Authorization: Bearer KEY
//	{"model": "…", "messages": [{"role":"system",…}, {"role":"user",…}], "temperature": 0}
//	200 {"model": "…", "choices": [{"message": {"content": "…"}, "finish_reason": "stop"}]}
//
// Errors are {"error": {"message", "type", "code"}}: 400 invalid request,
// 401 bad key, 403 not allowed, 404 unknown model, 429 rate limit (with
// Retry-After, retry-after-ms and x-ratelimit-* headers) or, with code
// insufficient_quota, no credit left; 500 and 503 temporary.
//
// The texts of a batch go in one user message behind numbered markers; the
// answer must carry the same markers. An answer that dropped or added
// segments, or was cut off, is asked again with the problem stated (twice
// at most); if it still fails the pipeline halves the batch. An answer
// that lost a placeholder or a tag is asked again once, then accepted and
// reported to the editor.
type openai struct {
	cl       *client
	endpoint string
	key      string
	model    string
	lim      limits
}

func newOpenAI(cl *client, base, key, model string, pieceBytes int) *openai {
	switch {
	case base == "":
		base = "https://api.openai.com/v1/chat/completions"
	case strings.HasSuffix(base, "/chat/completions"):
	case strings.HasSuffix(base, "/v1"):
		base += "/chat/completions"
	default:
		base += "/v1/chat/completions"
	}
	return &openai{
		cl: cl, endpoint: base, key: key, model: model,
		// An answer is about as long as its question, and output tokens are
		// the scarce resource: keep batches to a few paragraphs.
		lim: limits{piece: orDefault(pieceBytes, 6000), batchItems: 12, batchBytes: 2 * orDefault(pieceBytes, 6000)},
	}
}

func (o *openai) name() string   { return OpenAI }
func (o *openai) limits() limits { return o.lim }

// glossary: the chat model is told the glossary in the system prompt, so
// names stay words it can inflect and place; Unify and the review catch
// what it gets wrong.
func (o *openai) glossary(context.Context, string, string, Glossary) (string, bool, error) {
	return "", true, nil
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
}

type chatResponse struct {
	Model   string `json:"model"`
	Choices []struct {
		Message      chatMessage `json:"message"`
		FinishReason string      `json:"finish_reason"`
	} `json:"choices"`
}

const chatAttempts = 3

func (o *openai) translate(ctx context.Context, b batch) (batchResult, error) {
	msgs := []chatMessage{
		{Role: "system", Content: systemPrompt(b)},
		{Role: "user", Content: userPrompt(b.texts)},
	}
	var best *chatAnswer
	for attempt := 1; attempt <= chatAttempts; attempt++ {
		content, model, finish, err := o.complete(ctx, msgs)
		if err != nil {
			return batchResult{}, err
		}
		ans := parseAnswer(content, b)
		ans.model = model
		if finish == "length" {
			ans.problem = "the answer was cut off; translate every segment completely"
			ans.structural = true
		}
		if ans.problem == "" {
			return ans.result(), nil
		}
		if !ans.structural && (best == nil || best.structural) {
			best = &ans
		}
		if !ans.structural && attempt >= 2 {
			break // content slips: asked once more already; the review reports them
		}
		msgs = append(msgs[:2],
			chatMessage{Role: "assistant", Content: content},
			chatMessage{Role: "user", Content: "Your answer is not usable: " + ans.problem +
				". Answer again with the complete translation, following every rule."})
	}
	if best != nil {
		return best.result(), nil
	}
	return batchResult{}, &Error{Provider: OpenAI, Kind: ErrBadAnswer, Status: http.StatusOK,
		Message:  fmt.Sprintf("after %d attempts the answer still does not match the %d segments", chatAttempts, len(b.texts)),
		tooLarge: true}
}

func (o *openai) complete(ctx context.Context, msgs []chatMessage) (content, model, finish string, err error) {
	body, err := json.Marshal(chatRequest{Model: o.model, Messages: msgs, Temperature: 0})
	if err != nil {
		return "", "", "", err
	}
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	if o.key != "" {
		h.Set("Authorization", "Bearer "+o.key)
	}
	raw, err := o.cl.do(ctx, call{method: http.MethodPost, url: o.endpoint, header: h, body: body, decode: decodeOpenAIError})
	if err != nil {
		return "", "", "", err
	}
	var resp chatResponse
	if err := json.Unmarshal(raw, &resp); err != nil || len(resp.Choices) == 0 {
		return "", "", "", &Error{Provider: OpenAI, Kind: ErrBadAnswer, Status: http.StatusOK,
			Message: "answer has no choices[0].message"}
	}
	c := resp.Choices[0]
	return c.Message.Content, resp.Model, c.FinishReason, nil
}

func decodeOpenAIError(status int, _ http.Header, body []byte) *Error {
	var eb struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"`
		} `json:"error"`
	}
	msg := strings.TrimSpace(string(body))
	code := ""
	if json.Unmarshal(body, &eb) == nil && eb.Error.Message != "" {
		msg = eb.Error.Message
		if eb.Error.Code != nil {
			code = fmt.Sprint(eb.Error.Code)
		}
		if code == "" {
			code = eb.Error.Type
		}
	}
	kind, retry := statusKind(status)
	e := &Error{Kind: kind, Code: code, Message: msg, retryable: retry}
	switch {
	case status == http.StatusTooManyRequests && (code == "insufficient_quota" || eb.Error.Type == "insufficient_quota"):
		e.Kind, e.retryable = ErrQuota, false
	case status == http.StatusBadRequest && code == "context_length_exceeded":
		e.tooLarge = true
	case status == http.StatusNotFound:
		e.Kind = ErrBadRequest // unknown model or path
	}
	return e
}
