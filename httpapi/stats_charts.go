package httpapi

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Charts are drawn here as inline SVG: no script, no CDN, and the policy's
// style-src 'self' is kept because only presentation attributes are used.
// Each chart has a <title> and <desc> for screen readers, and each mark its
// own <title>; the page's tables carry the same figures.

type chartBar struct {
	Label string
	Value int
}

type chartSeries struct {
	Name   string
	Color  string
	Points []*float64 // 0..1, nil where there is no rate
	Dash   string     // stroke-dasharray, so series differ without colour too
}

func esc(s string) string { return html.EscapeString(s) }

// barChart draws horizontal bars with their values, labels on the left, so it
// reads on a phone as on A4.
func barChart(id, title, desc string, bars []chartBar, color string) template.HTML {
	const width, labelW, rowH, top = 480, 96, 30, 6
	maxV := 0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	h := top*2 + rowH*len(bars)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" id="%s" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d">`, id, width, h, id, id)
	fmt.Fprintf(&sb, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	plot := width - labelW - 64
	for i, b := range bars {
		y := top + i*rowH
		w := 0
		if maxV > 0 {
			w = b.Value * plot / maxV
		}
		label := fmt.Sprintf("%s：%d", b.Label, b.Value)
		fmt.Fprintf(&sb, `<g aria-label="%s"><title>%s</title>`, esc(label), esc(label))
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="16" fill="#222">%s</text>`, labelW-8, y+21, esc(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"></rect>`, labelW, y+4, max(w, 1), rowH-8, color)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="16" fill="#222">%d</text></g>`, labelW+max(w, 1)+6, y+21, b.Value)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// lineChart draws rates (0–100%) by month, one line per series, with a legend.
func lineChart(id, title, desc string, months []string, series []chartSeries) template.HTML {
	const width, height, left, right, top, bottom = 640, 320, 60, 20, 16, 96
	pw, ph := width-left-right, height-top-bottom
	x := func(i int) float64 {
		if len(months) <= 1 {
			return float64(left + pw/2)
		}
		return float64(left) + float64(i)*float64(pw)/float64(len(months)-1)
	}
	y := func(v float64) float64 { return float64(top) + (1-v)*float64(ph) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" id="%s" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d">`, id, width, height, id, id)
	fmt.Fprintf(&sb, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	for _, g := range []int{0, 25, 50, 75, 100} {
		yy := y(float64(g) / 100)
		fmt.Fprintf(&sb, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd" stroke-width="1"></line>`, left, width-right, yy, yy)
		fmt.Fprintf(&sb, `<text x="%d" y="%.1f" text-anchor="end" font-size="18" fill="#555">%d%%</text>`, left-6, yy+6, g)
	}
	for i, m := range months {
		label := m
		if len(m) == 7 {
			label = strings.TrimPrefix(m[5:], "0") + "月"
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" text-anchor="middle" font-size="16" fill="#555">%s</text>`, x(i), height-bottom+24, esc(label))
	}
	for si, s := range series {
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(&sb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-dasharray="%s"></polyline>`,
					strings.Join(pts, " "), s.Color, s.Dash)
			}
			pts = pts[:0]
		}
		for i, p := range s.Points {
			if p == nil {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(*p)))
		}
		flush()
		for i, p := range s.Points {
			if p == nil {
				continue
			}
			label := fmt.Sprintf("%s %s：%.1f%%", months[i], s.Name, *p*100)
			fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s" aria-label="%s"><title>%s</title></circle>`,
				x(i), y(*p), s.Color, esc(label), esc(label))
		}
		// The legend: two entries a row, so it stays legible on a phone.
		lx := left + (si%2)*(pw/2)
		ly := height - 44 + (si/2)*30
		fmt.Fprintf(&sb, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="3" stroke-dasharray="%s"></line>`, lx, lx+28, ly-4, ly-4, s.Color, s.Dash)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="18" fill="#222">%s</text>`, lx+34, ly+2, esc(s.Name))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
