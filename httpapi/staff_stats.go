package httpapi

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/paper"
	"zhiban/roster"
	"zhiban/stats"
)

// statsPeriod reads ?period=2027-01|2027-Q1|2027; none is the current month.
func (s *Server) statsPeriod(c echo.Context) (stats.Period, error) {
	q := c.QueryParam("period")
	if q == "" {
		return stats.MonthPeriod(roster.MonthOf(s.today())), nil
	}
	p, err := stats.ParsePeriod(q)
	if err != nil {
		return p, fault.InvalidField("period", err.Error())
	}
	return p, nil
}

// statsReport is the report of the period the request asks for, as of today.
func (s *Server) statsReport(c echo.Context) (stats.Report, error) {
	p, err := s.statsPeriod(c)
	if err != nil {
		return stats.Report{}, err
	}
	return s.svc.Statistics(c.Request().Context(), p, s.today())
}

// showStatsJSON serves the figures of /staff/stats as JSON.
func (s *Server) showStatsJSON(c echo.Context) error {
	r, err := s.statsReport(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, r)
}

// exportStats sends the figures as a workbook.
func (s *Server) exportStats(c echo.Context) error {
	r, err := s.statsReport(c)
	if err != nil {
		return err
	}
	county, err := s.store.Setting(c.Request().Context(), "county")
	if err != nil {
		return err
	}
	b, err := stats.Workbook(r, county)
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("信访工作统计-%s.xlsx", r.Period.Key), b)
}

type statsLink struct{ Label, Href string }

// statsChart is a chart and its visible caption.
type statsChart struct {
	Caption string
	SVG     template.HTML
}

// statsDim is one dimension's table.
type statsDim struct {
	Title, Head string
	Rows        []stats.Row
}

type statsPage struct {
	staffLayout
	stats.Report
	Prev, Next  statsLink
	Kinds       []statsLink // this month, quarter, year
	XLSX, JSON  string
	PrintReport string // the 通报 or yearly report
	Dims        []statsDim
	Charts      []statsChart
	TrendChart  template.HTML
}

// showStatsReport lays out the period's figures as the leaders' 通报 (month,
// quarter) or the yearly report (art. 41): an A4 page to print, or .docx.
func (s *Server) showStatsReport(c echo.Context) error {
	r, err := s.statsReport(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	county, err := s.store.Setting(ctx, "county")
	if err != nil {
		return err
	}
	issuer, err := s.svc.DocumentIssuer(ctx)
	if err != nil {
		return err
	}
	doc := stats.ReportDoc(r, county, issuer, s.today())
	c.Response().Header().Set("Cache-Control", "no-store")
	if strings.HasSuffix(c.Path(), ".docx") {
		b, err := paper.DOCX(doc)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="report-%s.docx"; filename*=UTF-8''%s`,
			r.Period.Key, url.PathEscape(doc.Title+".docx")))
		return c.Blob(http.StatusOK, docxType, b)
	}
	var b bytes.Buffer
	links := []paper.Link{{Label: "‹ 返回统计", Href: statsHref(r.Period)},
		{Label: "下载 Word 文件（.docx）", Href: "/staff/stats/report.docx?period=" + r.Period.Key}}
	if err := paper.HTML(&b, doc, paper.Page{Stylesheet: "/static/paper.css", Links: links}); err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

func statsHref(p stats.Period) string { return "/staff/stats?period=" + p.Key }

func (s *Server) showStats(c echo.Context) error {
	r, err := s.statsReport(c)
	if err != nil {
		return err
	}
	p := r.Period
	page := &statsPage{Report: r, XLSX: "/staff/stats.xlsx?period=" + p.Key, PrintReport: "/staff/stats/report?period=" + p.Key, JSON: "/api/v1/stats?period=" + p.Key,
		Prev: statsLink{"‹ " + p.Prev().Label, statsHref(p.Prev())}, Next: statsLink{p.Next().Label + " ›", statsHref(p.Next())}}
	m := roster.MonthOf(p.From)
	for _, k := range []stats.Period{stats.MonthPeriod(m), stats.QuarterPeriod(m.Year(), (int(m.Month())-1)/3+1), stats.YearPeriod(m.Year())} {
		page.Kinds = append(page.Kinds, statsLink{k.Label, statsHref(k)})
	}
	page.Dims = []statsDim{{"按领导", "领导", r.Leaders}, {"按责任单位", "责任单位", r.Units}, {"按乡镇", "乡镇", r.Townships}}
	page.Charts, page.TrendChart = statsCharts(r)
	return s.renderStaff(c, http.StatusOK, "staff/stats.html", "stats", r.Period.Label+" 统计", page)
}

// statsCharts draws the page's bar charts and the trend of the rates.
func statsCharts(r stats.Report) ([]statsChart, template.HTML) {
	c := r.County
	visits := []chartBar{{"开门接访", c.Open.People}, {"主动约访", c.Invite.People}, {"带案下访", c.Carry.People}, {"上门回访", c.Return.People}}
	var channels, categories, towns []chartBar
	for _, t := range r.Channels {
		channels = append(channels, chartBar{t.Name, t.Count})
	}
	for _, t := range r.Categories {
		categories = append(categories, chartBar{t.Name, t.Count})
	}
	for _, t := range r.Townships {
		towns = append(towns, chartBar{t.Name, t.Cases})
	}
	var charts []statsChart
	for _, c := range []struct {
		id, what string
		bars     []chartBar
		color    string
	}{{"chart-visits", "四访接待人次", visits, "#1f5fa8"}, {"chart-channels", "信访事项件数（按渠道）", channels, "#2e7d32"},
		{"chart-categories", "信访事项件数（按类别）", categories, "#8a5a00"}, {"chart-towns", "信访事项件数（按乡镇）", towns, "#6a3d9a"}} {
		if len(c.bars) > 0 {
			charts = append(charts, statsChart{c.what, barChart(c.id, r.Period.Label+" "+c.what, describe(c.what, c.bars), c.bars, c.color)})
		}
	}
	var months []string
	series := []chartSeries{{Name: "及时受理率", Color: "#1f5fa8"}, {Name: "按期办结率", Color: "#2e7d32", Dash: "8 4"},
		{Name: "参评率", Color: "#8a5a00", Dash: "2 3"}, {Name: "满意率", Color: "#b3261e", Dash: "12 3 2 3"}}
	for _, m := range r.Trend {
		months = append(months, m.Month)
		for i, rate := range []stats.Rate{m.Acceptance, m.Handling, m.Evaluation, m.Satisfaction} {
			var v *float64
			if x, ok := rate.Value(); ok {
				v = &x
			}
			series[i].Points = append(series[i].Points, v)
		}
	}
	desc := "各月及时受理率、按期办结率、参评率和满意率；数值见下方月度趋势表。"
	return charts, lineChart("chart-trend", "各项比率月度趋势", desc, months, series)
}

// describe lists the bars in words for the chart's <desc>.
func describe(what string, bars []chartBar) string {
	s := what + "："
	for i, b := range bars {
		if i > 0 {
			s += "，"
		}
		s += b.Label + " " + strconv.Itoa(b.Value)
	}
	return s + "。"
}
