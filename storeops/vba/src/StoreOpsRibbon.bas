Attribute VB_Name = "StoreOpsRibbon"
' StoreOps XL ribbon tab: one Sub per button of customUI/customUI14.xml (onAction).
' Source of truth: workbook/vba/StoreOpsRibbon.bas in the StoreOps repository.
'
' Each Sub runs exactly one Python function through xlwings' RunPython (from the xlwings
' add-in, referenced by this project). The Python side is storeops.ribbon; it finds this
' workbook with xlwings.Book.caller().
Option Explicit

Public Sub StoreOpsRefresh(control As IRibbonControl)
    RunPython "import storeops.ribbon as r; r.refresh()"
End Sub

Public Sub StoreOpsImportExport(control As IRibbonControl)
    RunPython "import storeops.ribbon as r; r.import_export()"
End Sub

Public Sub StoreOpsNewWeek(control As IRibbonControl)
    RunPython "import storeops.ribbon as r; r.new_week()"
End Sub

Public Sub StoreOpsWeeklyReview(control As IRibbonControl)
    RunPython "import storeops.ribbon as r; r.weekly_review()"
End Sub

Public Sub StoreOpsCheckData(control As IRibbonControl)
    RunPython "import storeops.ribbon as r; r.check_data()"
End Sub

Public Sub StoreOpsRefreshOnSave()
    ' Called by ThisWorkbook.Workbook_BeforeSave (only when the xlwings add-in is open).
    RunPython "import storeops.ribbon as r; r.refresh()"
End Sub
