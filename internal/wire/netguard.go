package wire

import (
	"fmt"
	"net/netip"
	"syscall"
)

// blockedRange is a block of addresses the wire desk refuses to connect to,
// with the reason shown in the error.
type blockedRange struct {
	prefix netip.Prefix
	why    string
}

// blockedRanges are the IPv4 and IPv6 blocks that are not the public
// internet: reaching them from a feed URL would let anyone who can add a
// source probe the newsroom's own network (SSRF). Addresses that embed an
// IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by that IPv4 address
// too, see CheckAddr.
var blockedRanges = func() []blockedRange {
	table := []struct{ cidr, why string }{
		{"0.0.0.0/8", "unspecified address"},
		{"10.0.0.0/8", "private network"},
		{"100.64.0.0/10", "carrier-grade NAT"},
		{"127.0.0.0/8", "loopback"},
		{"169.254.0.0/16", "link-local"},
		{"172.16.0.0/12", "private network"},
		{"192.0.0.0/24", "IETF protocol assignment"},
		{"192.0.2.0/24", "documentation range"},
		{"192.88.99.0/24", "6to4 relay anycast"},
		{"192.168.0.0/16", "private network"},
		{"198.18.0.0/15", "benchmarking range"},
		{"198.51.100.0/24", "documentation range"},
		{"203.0.113.0/24", "documentation range"},
		{"224.0.0.0/4", "multicast"},
		{"240.0.0.0/4", "reserved (and broadcast)"},
		{"::/128", "unspecified address"},
		{"::1/128", "loopback"},
		{"::/96", "IPv4-compatible IPv6 (deprecated)"},
		{"64:ff9b:1::/48", "local-use NAT64"},
		{"100::/64", "discard-only range"},
		{"2001::/23", "IETF protocol assignment (Teredo…)"},
		{"2001:db8::/32", "documentation range"},
		{"3fff::/20", "documentation range"},
		{"fc00::/7", "private network (unique local)"},
		{"fe80::/10", "link-local"},
		{"fec0::/10", "site-local (deprecated)"},
		{"ff00::/8", "multicast"},
	}
	out := make([]blockedRange, len(table))
	for i, r := range table {
		out[i] = blockedRange{netip.MustParsePrefix(r.cidr), r.why}
	}
	return out
}()

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// embeddedIPv4 returns the IPv4 address carried inside an IPv6 address
// (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::),
// so that a private IPv4 address cannot be reached by spelling it in IPv6.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if ip.Is4In6() {
		return ip.Unmap(), true
	}
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64Prefix.Contains(ip):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return netip.Addr{}, false
}

// CheckAddr returns nil when the wire desk may connect to ip, and an *Error
// of kind ErrBlocked naming the reason otherwise. An address inside one of
// the allow prefixes is always permitted (tests allow loopback; a newsroom
// may allow its own intranet feed server); an IPv6 address embedding an IPv4
// one is permitted when either form is allowed, and blocked when either form
// is blocked.
func CheckAddr(ip netip.Addr, allow []netip.Prefix) error {
	if !ip.IsValid() {
		return &Error{Kind: ErrBlocked, Msg: "blocked address: not an IP address"}
	}
	ip = ip.WithZone("")
	v4, hasV4 := embeddedIPv4(ip)
	for _, p := range allow {
		if p.Contains(ip) || (hasV4 && p.Contains(v4)) {
			return nil
		}
	}
	candidates := []netip.Addr{ip}
	if hasV4 {
		candidates = append(candidates, v4)
	}
	for _, c := range candidates {
		for _, r := range blockedRanges {
			if r.prefix.Contains(c) {
				msg := fmt.Sprintf("blocked address %s (%s)", ip, r.why)
				if c != ip {
					msg = fmt.Sprintf("blocked address %s (embeds %s: %s)", ip, c, r.why)
				}
				return &Error{Kind: ErrBlocked, Msg: msg}
			}
		}
	}
	return nil
}

// dialControl is the net.Dialer Control hook: it runs after DNS resolution,
// on the very address about to be connected, so a host name that resolves to
// a public address at check time and a private one at connect time (DNS
// rebinding) is still refused. Only TCP is dialed.
func dialControl(allow []netip.Prefix) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		switch network {
		case "tcp", "tcp4", "tcp6":
		default:
			return &Error{Kind: ErrBlocked, Msg: "blocked network " + network}
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &Error{Kind: ErrBlocked, Msg: "blocked address " + address + ": not an IP address", Err: err}
		}
		return CheckAddr(ap.Addr(), allow)
	}
}

// ParseAllowList parses CIDR prefixes or single addresses ("127.0.0.1",
// "10.1.0.0/16", "::1") into an allow-list for FetchConfig.Allow.
func ParseAllowList(items []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(items))
	for _, s := range items {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("allow-list: %q is neither an address nor a CIDR prefix", s)
		}
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

// LoopbackOnly is the allow-list of tests and of local tries of the
// command: 127.0.0.0/8 and ::1.
func LoopbackOnly() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}
