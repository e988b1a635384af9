package localcluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pki holds the paths of the keys, certificates and token of a plane.
type pki struct {
	CACert, CAKey           string
	ServingCert, ServingKey string
	SAKey, SAPub            string
	TokenFile               string
	Token                   string
}

func pkiPaths(dir string) pki {
	p := filepath.Join(dir, "pki")
	return pki{
		CACert: filepath.Join(p, "ca.crt"), CAKey: filepath.Join(p, "ca.key"),
		ServingCert: filepath.Join(p, "apiserver.crt"), ServingKey: filepath.Join(p, "apiserver.key"),
		SAKey: filepath.Join(p, "sa.key"), SAPub: filepath.Join(p, "sa.pub"),
		TokenFile: filepath.Join(p, "tokens.csv"),
	}
}

// ensurePKI makes the plane's keys, certificates and admin token unless they
// exist already, and reads the token.
func ensurePKI(dir string) (pki, error) {
	p := pkiPaths(dir)
	if err := os.MkdirAll(filepath.Dir(p.CACert), 0o700); err != nil {
		return p, fmt.Errorf("create pki directory: %w", err)
	}
	if _, err := os.Stat(p.TokenFile); errors.Is(err, os.ErrNotExist) {
		if err := writePKI(p); err != nil {
			return p, err
		}
	}
	token, err := readToken(p.TokenFile)
	if err != nil {
		return p, err
	}
	p.Token = token
	return p, nil
}

func writePKI(p pki) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate ca key: %w", err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "tiphys-local-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("create ca certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return fmt.Errorf("parse ca certificate: %w", err)
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate serving key: %w", err)
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback, net.ParseIP(serviceIP)},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("create serving certificate: %w", err)
	}
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("generate service account key: %w", err)
	}
	token := make([]byte, 24)
	if _, err := rand.Read(token); err != nil {
		return fmt.Errorf("generate admin token: %w", err)
	}
	files := []struct {
		path  string
		block *pem.Block
	}{
		{p.CACert, &pem.Block{Type: "CERTIFICATE", Bytes: caDER}},
		{p.CAKey, ecKeyBlock(caKey)},
		{p.ServingCert, &pem.Block{Type: "CERTIFICATE", Bytes: srvDER}},
		{p.ServingKey, ecKeyBlock(srvKey)},
		{p.SAKey, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}},
		{p.SAPub, publicKeyBlock(&saKey.PublicKey)},
	}
	for _, f := range files {
		if f.block == nil {
			return fmt.Errorf("encode %s", filepath.Base(f.path))
		}
		if err := os.WriteFile(f.path, pem.EncodeToMemory(f.block), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Base(f.path), err)
		}
	}
	// The token file goes last: its presence marks a complete set.
	line := fmt.Sprintf("%s,admin,admin,\"system:masters\"\n", hex.EncodeToString(token))
	if err := os.WriteFile(p.TokenFile, []byte(line), 0o600); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	return nil
}

func ecKeyBlock(k *ecdsa.PrivateKey) *pem.Block {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil
	}
	return &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
}

func publicKeyBlock(k *rsa.PublicKey) *pem.Block {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil
	}
	return &pem.Block{Type: "PUBLIC KEY", Bytes: der}
}

func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	for i, c := range b {
		if c == ',' {
			return string(b[:i]), nil
		}
	}
	return "", fmt.Errorf("token file %s: no token", path)
}
