// Package admin is the newsroom's admin at /admin/. For now it holds the
// first-run page that creates the owner account from the one-time link
// printed by 'nashra serve'.
package admin

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"nashra.dev/nashra/internal/staff"
)

// Setup serves /admin/setup.
type Setup struct {
	Staff *staff.Service
	Log   *slog.Logger
}

var setupPage = template.Must(template.New("setup").Parse(`<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>إنشاء حساب المالك — Nashra</title></head>
<body>
<h1>إنشاء حساب المالك</h1>
{{if .Done}}<p>أُنشئ حساب المالك {{.Email}}. يمكنك الآن إدارة الموقع.</p><p><a href="/">الذهاب إلى الموقع</a></p>
{{else if .Fatal}}<p role="alert">{{.Fatal}}</p>
{{else}}{{with .Error}}<p role="alert">{{.}}</p>{{end}}
<form method="post" action="/admin/setup">
<input type="hidden" name="token" value="{{.Token}}">
<p><label>الاسم<br><input name="name" required maxlength="100" value="{{.Name}}"></label></p>
<p><label>البريد الإلكتروني<br><input type="email" name="email" required dir="ltr" value="{{.Email}}"></label></p>
<p><label>كلمة المرور (10 أحرف على الأقل)<br><input type="password" name="password" required minlength="10" dir="ltr"></label></p>
<p><button type="submit">إنشاء الحساب</button></p>
</form>{{end}}
</body></html>`))

type setupView struct {
	Token, Name, Email, Error, Fatal string
	Done                             bool
}

// Routes registers the setup page.
func (s *Setup) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/setup", s.form)
	mux.HandleFunc("POST /admin/setup", s.submit)
}

func (s *Setup) form(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	v := setupView{Token: tok}
	status := http.StatusOK
	if err := s.Staff.CheckSetupToken(r.Context(), tok); err != nil {
		v.Fatal, status = s.message(err), http.StatusForbidden
	}
	s.write(w, status, v)
}

func (s *Setup) submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.write(w, http.StatusBadRequest, setupView{Fatal: "طلب غير صالح."})
		return
	}
	v := setupView{Token: r.PostFormValue("token"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email")}
	u, err := s.Staff.ClaimSetup(r.Context(), v.Token, staff.NewUser{Name: v.Name, Email: v.Email, Password: r.PostFormValue("password")})
	switch {
	case err == nil:
		s.Log.Info("owner account created", "user_id", u.ID)
		v.Done, v.Email = true, u.Email
		s.write(w, http.StatusOK, v)
	case errors.Is(err, staff.ErrInvalid):
		v.Error = err.Error()
		s.write(w, http.StatusUnprocessableEntity, v)
	case errors.Is(err, staff.ErrBadToken), errors.Is(err, staff.ErrOwnerExists):
		v.Fatal = s.message(err)
		s.write(w, http.StatusForbidden, v)
	default:
		s.Log.Error("owner setup", "err", err)
		v.Error = "تعذّر إنشاء الحساب الآن، حاول مرة أخرى."
		s.write(w, http.StatusInternalServerError, v)
	}
}

func (s *Setup) message(err error) string {
	if errors.Is(err, staff.ErrOwnerExists) {
		return "للموقع مالك بالفعل؛ هذا الرابط لم يعد صالحاً."
	}
	return "هذا الرابط غير صالح أو مستخدم أو منتهي الصلاحية. أعد تشغيل nashra serve للحصول على رابط جديد."
}

func (s *Setup) write(w http.ResponseWriter, status int, v setupView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = setupPage.Execute(w, v)
}
