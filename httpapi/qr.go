package httpapi

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// qrPNG encodes text as a PNG QR code sized for a phone camera at arm's length.
func qrPNG(text string) ([]byte, error) {
	png, err := qrcode.Encode(text, qrcode.Medium, 240)
	if err != nil {
		return nil, fmt.Errorf("httpapi: qr code: %w", err)
	}
	return png, nil
}
