// Package staff owns the newsroom's accounts: who they are, their roles, and
// how they prove it.
package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/store"
)

// Role is a staff member's role, with WordPress's meanings.
type Role string

const (
	Owner         Role = "owner"
	Administrator Role = "administrator"
	Editor        Role = "editor"
	Author        Role = "author"
	Contributor   Role = "contributor"
)

// Roles lists the roles from most to least powerful.
var Roles = []Role{Owner, Administrator, Editor, Author, Contributor}

// Errors the callers show to people.
var (
	ErrInvalid      = errors.New("invalid account")
	ErrEmailTaken   = errors.New("an account with this email already exists")
	ErrBadToken     = errors.New("this link is invalid, used or expired")
	ErrOwnerExists  = errors.New("the site already has an owner")
	MinPasswordRune = 10
)

// User is a staff account.
type User struct {
	ID                     int64
	Email, Name, Slug, Bio string
	Role                   Role
	Locale                 string
	CreatedAt              time.Time
}

// NewUser is what creating an account takes.
type NewUser struct {
	Email, Name, Password, Bio, Locale string
	Role                               Role
}

// Service is the staff domain over a store.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns the staff service.
func New(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

// normalizeEmail returns email trimmed and lowercased, or ErrInvalid when it
// is not a bare address ("Name <a@b>" is refused: accounts store addresses).
func normalizeEmail(email string) (string, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || addr.Name != "" || !strings.Contains(addr.Address, ".") {
		return "", fmt.Errorf("%w: %q is not an email address", ErrInvalid, email)
	}
	return strings.ToLower(addr.Address), nil
}

// checkPassword applies the rules every new password must meet.
func checkPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordRune {
		return fmt.Errorf("%w: the password must have at least %d characters", ErrInvalid, MinPasswordRune)
	}
	return nil
}

func (in *NewUser) validate() error {
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return err
	}
	in.Email = email
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		return fmt.Errorf("%w: a name of 1 to 100 characters is required", ErrInvalid)
	}
	if in.Role == "" {
		in.Role = Author
	}
	known := false
	for _, r := range Roles {
		known = known || r == in.Role
	}
	if !known {
		return fmt.Errorf("%w: unknown role %q (owner, administrator, editor, author, contributor)", ErrInvalid, in.Role)
	}
	if err := checkPassword(in.Password); err != nil {
		return err
	}
	if in.Locale == "" {
		in.Locale = "ar"
	}
	return nil
}

// Create adds a staff account.
func (s *Service) Create(ctx context.Context, in NewUser) (*User, error) {
	var u *User
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = s.create(ctx, tx, in)
		return err
	})
	return u, err
}

func (s *Service) create(ctx context.Context, tx *store.Tx, in NewUser) (*User, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	base := arabic.Slugify(in.Name)
	if base == "" {
		base = "author"
	}
	slug := base
	for n := 2; ; n++ {
		var taken int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE slug = ?", slug).Scan(&taken); err != nil {
			return nil, err
		}
		if taken == 0 {
			break
		}
		slug = fmt.Sprintf("%s-%d", base, n)
	}
	now := s.clock()
	u := &User{Email: in.Email, Name: in.Name, Slug: slug, Bio: in.Bio, Role: in.Role, Locale: in.Locale, CreatedAt: now}
	err = tx.QueryRow(ctx, `INSERT INTO users (email, name, slug, bio, role, password_hash, locale, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Email, u.Name, u.Slug, u.Bio, u.Role, hash, u.Locale, now, now).Scan(&u.ID)
	if errors.Is(err, store.ErrConflict) {
		return nil, ErrEmailTaken
	}
	return u, err
}

// ByEmail finds an account.
func (s *Service) ByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.db.QueryRow(ctx, "SELECT id, email, name, slug, bio, role, locale, created_at FROM users WHERE email = ?",
		strings.ToLower(strings.TrimSpace(email))).Scan(&u.ID, &u.Email, &u.Name, &u.Slug, &u.Bio, &u.Role, &u.Locale, &u.CreatedAt)
	return &u, err
}

// Authenticate checks an email and password.
func (s *Service) Authenticate(ctx context.Context, email, pw string) (*User, error) {
	var hash string
	var id int64
	err := s.db.QueryRow(ctx, "SELECT id, password_hash FROM users WHERE email = ?", strings.ToLower(strings.TrimSpace(email))).Scan(&id, &hash)
	if err != nil {
		// Spend the same time as a real check, so that timing does not tell which emails have accounts.
		_, _ = VerifyPassword("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", pw)
		return nil, ErrInvalid
	}
	ok, err := VerifyPassword(hash, pw)
	if err != nil || !ok {
		return nil, ErrInvalid
	}
	return s.ByEmail(ctx, email)
}

// HasOwner reports whether the site's owner account exists.
func (s *Service) HasOwner(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE role = 'owner'").Scan(&n)
	return n > 0, err
}

// NewSetupToken makes a one-time token for the link that creates the owner
// account. Only its hash is stored.
func (s *Service) NewSetupToken(ctx context.Context, ttl time.Duration) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(b)
	_, err := s.db.Exec(ctx, "INSERT INTO setup_tokens (token_hash, expires_at) VALUES (?, ?)", hashToken(tok), s.clock().Add(ttl))
	return tok, err
}

// CheckSetupToken reports whether tok can still create the owner.
func (s *Service) CheckSetupToken(ctx context.Context, tok string) error {
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM setup_tokens WHERE token_hash = ? AND expires_at > ?", hashToken(tok), s.clock()).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrBadToken
	}
	if owner, err := s.HasOwner(ctx); err != nil || owner {
		return errors.Join(ErrOwnerExists, err)
	}
	return nil
}

// ClaimSetup creates the owner with a valid setup token and spends every
// outstanding token, so the link works once.
func (s *Service) ClaimSetup(ctx context.Context, tok string, in NewUser) (*User, error) {
	in.Role = Owner
	var u *User
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var n, owners int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM setup_tokens WHERE token_hash = ? AND expires_at > ?", hashToken(tok), s.clock()).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrBadToken
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE role = 'owner'").Scan(&owners); err != nil {
			return err
		}
		if owners > 0 {
			return ErrOwnerExists
		}
		var err error
		if u, err = s.create(ctx, tx, in); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "DELETE FROM setup_tokens")
		return err
	})
	return u, err
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
