package wire

import (
	"errors"
	"net/netip"
	"testing"
)

func TestCheckAddr(t *testing.T) {
	blocked := []string{
		"127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.0.1",
		"169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.251",
		"239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.8", "198.18.0.1", "192.0.2.1",
		"::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
		"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2002:7f00:1::1", "2002:a00:1::",
		"fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1", "2001:db8::1", "2001::1", "100::1",
	}
	for _, s := range blocked {
		err := CheckAddr(netip.MustParseAddr(s), nil)
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("%s: %v, want blocked", s, err)
		}
	}
	public := []string{
		"1.1.1.1", "8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "192.169.0.1",
		"2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
	}
	for _, s := range public {
		if err := CheckAddr(netip.MustParseAddr(s), nil); err != nil {
			t.Errorf("%s: %v, want allowed", s, err)
		}
	}
	allow := LoopbackOnly()
	for _, s := range []string{"127.0.0.1", "::1", "::ffff:127.0.0.1"} {
		if err := CheckAddr(netip.MustParseAddr(s), allow); err != nil {
			t.Errorf("%s with loopback allowed: %v", s, err)
		}
	}
	if err := CheckAddr(netip.MustParseAddr("10.0.0.1"), allow); !errors.Is(err, ErrBlocked) {
		t.Errorf("10.0.0.1 with only loopback allowed: %v", err)
	}
	if err := CheckAddr(netip.Addr{}, nil); !errors.Is(err, ErrBlocked) {
		t.Errorf("zero address: %v", err)
	}
}

func TestDialControlRefusesBeforeConnecting(t *testing.T) {
	ctl := dialControl(nil)
	for _, c := range []struct{ network, addr string }{
		{"tcp4", "127.0.0.1:80"}, {"tcp6", "[::1]:443"}, {"tcp", "[::ffff:10.0.0.1]:80"},
		{"udp", "8.8.8.8:53"}, {"tcp", "example.com:80"},
	} {
		if err := ctl(c.network, c.addr, nil); !errors.Is(err, ErrBlocked) {
			t.Errorf("%s %s: %v", c.network, c.addr, err)
		}
	}
	if err := ctl("tcp4", "93.184.216.34:443", nil); err != nil {
		t.Errorf("public address: %v", err)
	}
}

func TestParseAllowList(t *testing.T) {
	got, err := ParseAllowList([]string{"127.0.0.1", "10.1.0.0/16", "::1", "192.168.1.77/24"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1/32", "10.1.0.0/16", "::1/128", "192.168.1.0/24"}
	for i, p := range got {
		if p.String() != want[i] {
			t.Errorf("%d: %s, want %s", i, p, want[i])
		}
	}
	if _, err := ParseAllowList([]string{"intranet"}); err == nil {
		t.Error("a name must be refused")
	}
}
