"""The review report (báo cáo sơ kết / tổng kết) an officer sends upward, as a DOCX in the administrative layout."""
