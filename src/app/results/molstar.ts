/**
 * The Mol* side of the results view, without Mol*'s React UI: a `PluginContext` mounted on a
 * div, the ModelCIF quality-assessment extension (its `plddt-confidence` colour theme reads the
 * `_ma_qa_metric_local` pLDDT our mmCIF writer emits), a cartoon coloured by it, and the calls
 * the rest of the view makes: select/focus residue ranges, highlight one residue, hover events.
 *
 * Residues are addressed by 0-based position along the modelled sequence; Mol*'s label_seq_id
 * is that + 1 (`_entity_poly_seq.num`, see src/model/output/mmcif-writer.ts).
 */
import {
  MAQualityAssessment,
  MAQualityAssessmentConfig,
} from 'molstar/lib/extensions/model-archive/quality-assessment/behavior.js';
import { PLDDTConfidenceColorThemeProvider } from 'molstar/lib/extensions/model-archive/quality-assessment/color/plddt.js';
import {
  type Structure,
  StructureElement,
  StructureProperties,
  StructureSelection,
} from 'molstar/lib/mol-model/structure.js';
import { PluginConfig } from 'molstar/lib/mol-plugin/config.js';
import { PluginContext } from 'molstar/lib/mol-plugin/context.js';
import { DefaultPluginSpec, PluginSpec } from 'molstar/lib/mol-plugin/spec.js';
import { Script } from 'molstar/lib/mol-script/script.js';
import { Color } from 'molstar/lib/mol-util/color/index.js';
import type { ResidueRange } from './selection.ts';

export interface LoadedStructure {
  /** residues in Mol*'s model (atomic hierarchy) */
  residues: number;
  /** atoms in the structure */
  atoms: number;
}

declare global {
  interface Window {
    /** the results view's Mol* plugin, for tests and the console (last one mounted) */
    __webfoldMolstar?: PluginContext;
  }
}

/** What the 3D view tells the page about pointer hovers: residue position, or null. */
export type HoverListener = (residue: number | null) => void;

export class ResultsMolstar {
  private structure?: Structure;
  private hoverSub?: { unsubscribe(): void };

  private constructor(readonly plugin: PluginContext) {}

  /** Creates the plugin and mounts its canvas into `target` (a positioned element). */
  static async mount(target: HTMLElement): Promise<ResultsMolstar> {
    const spec = DefaultPluginSpec();
    spec.behaviors.push(PluginSpec.Behavior(MAQualityAssessment, { autoAttach: true, showTooltip: true }));
    spec.config = [
      // SwiftShader / software WebGL counts as a "major performance caveat"; draw anyway.
      [PluginConfig.General.AllowMajorPerformanceCaveat, true],
      [MAQualityAssessmentConfig.EnablePairwiseScorePlot, false],
    ];
    spec.canvas3d = {
      renderer: { backgroundColor: Color(0xffffff) },
      camera: { helper: { axes: { name: 'off', params: {} } } },
    };
    const plugin = new PluginContext(spec);
    await plugin.init();
    const ok = await plugin.mountAsync(target);
    if (!ok || !plugin.canvas3d) {
      plugin.dispose();
      throw new Error(
        'Mol* could not create a WebGL context: the 3D view needs WebGL 2 (or 1) in this browser',
      );
    }
    window.__webfoldMolstar = plugin;
    return new ResultsMolstar(plugin);
  }

  /** Loads ModelCIF text and shows the polymer as a cartoon coloured by pLDDT (AFDB colours). */
  async load(mmcif: string, label: string): Promise<LoadedStructure> {
    const { plugin } = this;
    await plugin.clear();
    const data = await plugin.builders.data.rawData({ data: mmcif, label }, { state: { isGhost: true } });
    const trajectory = await plugin.builders.structure.parseTrajectory(data, 'mmcif');
    const model = await plugin.builders.structure.createModel(trajectory);
    const structureRef = await plugin.builders.structure.createStructure(model);
    const polymer = await plugin.builders.structure.tryCreateComponentStatic(structureRef, 'polymer');
    if (!polymer) throw new Error('Mol* found no polymer in the predicted structure');
    await plugin.builders.structure.representation.addRepresentation(polymer, {
      type: 'cartoon',
      color: PLDDTConfidenceColorThemeProvider.name as 'uniform',
    });
    const structure = structureRef.cell?.obj?.data;
    if (!structure) throw new Error('Mol* did not build a structure from the mmCIF');
    this.structure = structure;
    plugin.managers.camera.reset();
    return {
      residues: structure.models[0]?.atomicHierarchy.residues._rowCount ?? 0,
      atoms: structure.elementCount,
    };
  }

  private lociOf(ranges: readonly ResidueRange[]): StructureElement.Loci | undefined {
    const structure = this.structure;
    if (!structure || ranges.length === 0) return undefined;
    const selection = Script.getStructureSelection(
      (Q) =>
        Q.struct.generator.atomGroups({
          'residue-test': Q.core.logic.or(
            ranges.map((r) =>
              Q.core.rel.inRange([
                Q.struct.atomProperty.macromolecular.label_seq_id(),
                r.start + 1,
                r.end + 1,
              ]),
            ),
          ),
        }),
      structure,
    );
    return StructureSelection.toLociWithSourceUnits(selection);
  }

  /** Selects the residues (Mol*'s selection colour) and turns the camera to them; [] clears. */
  selectRanges(ranges: readonly ResidueRange[]): void {
    const { plugin } = this;
    const loci = this.lociOf(ranges);
    if (!loci) {
      plugin.managers.interactivity.lociSelects.deselectAll();
      plugin.managers.camera.reset();
      return;
    }
    plugin.managers.interactivity.lociSelects.selectOnly({ loci });
    plugin.managers.camera.focusLoci(loci, { extraRadius: 4 });
  }

  /** Highlights one residue (hover elsewhere in the page); null clears. */
  highlightResidue(residue: number | null): void {
    const { plugin } = this;
    const loci = residue === null ? undefined : this.lociOf([{ start: residue, end: residue }]);
    if (!loci) plugin.managers.interactivity.lociHighlights.clearHighlights();
    else plugin.managers.interactivity.lociHighlights.highlightOnly({ loci });
  }

  /** Calls `listener` with the residue under the pointer in the 3D view (null when none). */
  onHover(listener: HoverListener): void {
    this.hoverSub?.unsubscribe();
    this.hoverSub = this.plugin.behaviors.interaction.hover.subscribe((e) => {
      const loci = e.current.loci;
      if (!StructureElement.Loci.is(loci) || StructureElement.Loci.isEmpty(loci)) return listener(null);
      const loc = StructureElement.Loci.getFirstLocation(loci);
      listener(loc ? StructureProperties.residue.label_seq_id(loc) - 1 : null);
    });
  }

  resetCamera(): void {
    this.plugin.managers.camera.reset();
  }

  dispose(): void {
    this.hoverSub?.unsubscribe();
    if (window.__webfoldMolstar === this.plugin) window.__webfoldMolstar = undefined;
    this.plugin.dispose();
  }
}
