package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/holiday"
	"zhiban/planner"
	"zhiban/roster"
)

const maxHolidayUpload = holiday.MaxFileSize

type holidayRow struct {
	roster.HolidayDay
	Off     bool
	Weekday string
}

type changeRow struct {
	Date     roster.Date
	Old, New string
}

// holidayYearParam reads ?year= or the year field, default this year.
func (s *Server) holidayYearParam(v string) (int, error) {
	if v == "" {
		return s.today().Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fault.InvalidField("year", "年份无效")
	}
	return y, nil
}

func entryText(h *roster.HolidayDay) string {
	if h == nil {
		return ""
	}
	if h.Kind == roster.Work {
		return h.Name + "（补班）"
	}
	return h.Name + "（放假）"
}

func (s *Server) showHolidays(c echo.Context) error {
	year, err := s.holidayYearParam(c.QueryParam("year"))
	if err != nil {
		return err
	}
	return s.renderHolidays(c, http.StatusOK, year, &holidaysPage{})
}

// holidaysPage is a year's official calendar and, after an upload, the preview.
type holidaysPage struct {
	staffLayout
	Year, Prev, Next       int
	Entries                []holidayRow
	Confirmed, Provisional bool
	Base                   string   // fingerprint of the calendar shown, for confirming
	Problems               []string // what is wrong with an uploaded file

	Preview                  bool
	PreviewYear, PreviewDays int
	Papers                   []string
	Changes                  []changeRow
	CSV, PreviewBase         string // the upload to save, and the calendar it was compared with
}

func holidayError(msg string) *holidaysPage {
	p := &holidaysPage{}
	p.Error = msg
	return p
}

func (s *Server) renderHolidays(c echo.Context, status, year int, p *holidaysPage) error {
	ctx := c.Request().Context()
	from, to := roster.NewDate(year, 1, 1), roster.NewDate(year, 12, 31)
	entries, err := planner.HolidayEntries(ctx, s.store, from, to)
	if err != nil {
		return err
	}
	confirmed, err := s.store.HolidayYearConfirmed(ctx, year)
	if err != nil {
		return err
	}
	for _, h := range entries {
		p.Entries = append(p.Entries, holidayRow{HolidayDay: h, Off: h.Kind != roster.Work, Weekday: weekdayLabels[h.Date.Weekday()]})
	}
	p.Year, p.Prev, p.Next, p.Confirmed = year, year-1, year+1, confirmed
	p.Provisional, p.Base = holiday.Provisional(year) && !confirmed, planner.HolidayBase(entries)
	if d := c.QueryParam("done"); d != "" && p.Notice == "" {
		p.Notice = d
	}
	return s.renderStaff(c, status, "staff/holidays.html", "holidays", fmt.Sprintf("%d 年节假日", year), p)
}

// previewHolidays parses an uploaded JSON or CSV file and shows what saving would change.
func (s *Server) previewHolidays(c echo.Context) error {
	ctx := c.Request().Context()
	year, _ := s.holidayYearParam(c.FormValue("year"))
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderHolidays(c, http.StatusBadRequest, year, holidayError("请选择要导入的 JSON 或 CSV 文件"))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	// Detect refuses a file over holiday.MaxFileSize; reading one byte more tells.
	data, err := io.ReadAll(io.LimitReader(f, maxHolidayUpload+1))
	if err != nil {
		return err
	}
	y, err := holiday.Detect(fh.Filename, data)
	if err != nil {
		var he *holiday.Error
		if errors.As(err, &he) {
			return s.renderHolidays(c, http.StatusBadRequest, year, &holidaysPage{staffLayout: staffLayout{Error: "文件有误，未导入："}, Problems: he.Problems})
		}
		return s.renderHolidays(c, http.StatusBadRequest, year, holidayError("文件有误，未导入："+err.Error()))
	}
	return s.renderHolidayPreview(c, ctx, http.StatusOK, y, &holidaysPage{})
}

func (s *Server) renderHolidayPreview(c echo.Context, ctx context.Context, status int, y holiday.Year, p *holidaysPage) error {
	from, to := planner.HolidaySpan(y.Year, y.Days)
	cur, err := planner.HolidayEntries(ctx, s.store, from, to)
	if err != nil {
		return err
	}
	for _, ch := range holiday.Diff(cur, y.Days) {
		p.Changes = append(p.Changes, changeRow{Date: ch.Date, Old: entryText(ch.Old), New: entryText(ch.New)})
	}
	p.Preview, p.PreviewYear, p.PreviewDays, p.Papers = true, y.Year, len(y.Days), y.Papers
	p.CSV, p.PreviewBase = string(holiday.FormatCSV(y.Days)), planner.HolidayBase(cur)
	return s.renderHolidays(c, status, y.Year, p)
}

// saveHolidays stores a previewed year; the year becomes confirmed.
func (s *Server) saveHolidays(c echo.Context) error {
	ctx := c.Request().Context()
	y, err := holiday.ParseCSV([]byte(c.FormValue("csv")))
	if err != nil {
		return fault.InvalidField("csv", "导入内容无效，请重新上传文件")
	}
	if ys := c.FormValue("year"); ys != "" && ys != strconv.Itoa(y.Year) {
		return fault.InvalidField("year", "年份与导入内容不一致，请重新上传文件")
	}
	err = planner.SaveHolidays(ctx, s.store, y.Year, y.Days, c.FormValue("base"), actor(c))
	if errors.Is(err, planner.ErrHolidaysChanged) {
		return s.renderHolidayPreview(c, ctx, http.StatusConflict, y, holidayError("预览之后节假日已被他人修改。下方是按当前日历重新计算的变更，请核对后再保存。"))
	}
	if err != nil {
		return err
	}
	return s.redirectDone(c, fmt.Sprintf("/staff/holidays?year=%d", y.Year),
		fmt.Sprintf("已保存 %d 年节假日（%d 天）。下次排班任务运行时将按新日历修正受影响的值班。", y.Year, len(y.Days)))
}

// confirmHolidays marks a provisional built-in year as checked against the State Council notice.
func (s *Server) confirmHolidays(c echo.Context) error {
	ctx := c.Request().Context()
	year, err := s.holidayYearParam(c.Param("year"))
	if err != nil {
		return err
	}
	err = planner.ConfirmHolidays(ctx, s.store, year, c.FormValue("base"), actor(c))
	if errors.Is(err, planner.ErrHolidaysChanged) {
		return s.renderHolidays(c, http.StatusConflict, year, holidayError("页面打开之后节假日已被他人修改，下方是当前内容，请核对后再确认。"))
	}
	if fe := fault.Classify(err); fe != nil && fe.Kind == fault.Invalid {
		return s.renderHolidays(c, http.StatusBadRequest, year, holidayError(fe.Msg))
	}
	if err != nil {
		return err
	}
	return s.redirectDone(c, fmt.Sprintf("/staff/holidays?year=%d", year), fmt.Sprintf("已确认 %d 年节假日安排", year))
}
