/**
 * The project's charts. Every chart function takes the data and an options
 * object and returns a {@link Chart}: the same chart as a Plotly figure
 * (`chart.plotly`, for notebooks and the HTML report) and as a standalone
 * SVG document (`chart.svg`, for run directories; `svgToPng` turns it into
 * PNG bytes with sharp).
 *
 * - {@link trainingCurves}: accuracy and loss per epoch, train vs validation
 * - {@link confusionMatrixHeatmap}: annotated confusion matrix, counts or row-normalised
 * - {@link rocCurves}: one-vs-rest ROC curves with AUCs
 * - {@link barChartWithCi}: model comparison with confidence intervals
 * - {@link lineChart}: generic lines (PCA explained variance, deletion/insertion curves)
 *
 * Output: {@link svgToPng}; {@link plotlyScriptTag} and {@link plotlyHtmlDiv}
 * for offline HTML pages; {@link displayFigure} and {@link displayPng} for
 * the Deno Jupyter kernel.
 *
 * @example
 * ```ts
 * import { rocCurves, svgToPng } from "./mod.ts";
 * const chart = rocCurves([{ label: "stenosis", fpr: [0, 0.2, 1], tpr: [0, 0.9, 1], auc: 0.87 }]);
 * await Deno.writeFile("roc.png", await svgToPng(chart.svg));
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./escape_xml.ts";
export * from "./training_curves.ts";
export * from "./confusion_matrix_heatmap.ts";
export * from "./roc_curves.ts";
export * from "./bar_chart_with_ci.ts";
export * from "./line_chart.ts";
export * from "./svg_to_png.ts";
export * from "./plotly_html_div.ts";
export * from "./plotly_script_tag.ts";
export { type Displayable, displayFigure, JUPYTER_DISPLAY, type MimeBundle } from "./display_figure.ts";
export * from "./display_png.ts";
