import { t } from '../i18n/t';
import type { Settings, SubjectChoice } from '../settings/settings';

/** The object classes a person may choose, by their index in DeepLab's output (src/inference/mask.ts, VOC_LABELS; 0 is the background). */
const classNames = (): [number, string][] => [
  [1, t('popupClassAeroplane')], [2, t('popupClassBicycle')], [3, t('popupClassBird')], [4, t('popupClassBoat')],
  [5, t('popupClassBottle')], [6, t('popupClassBus')], [7, t('popupClassCar')], [8, t('popupClassCat')],
  [9, t('popupClassChair')], [10, t('popupClassCow')], [11, t('popupClassDiningTable')], [12, t('popupClassDog')],
  [13, t('popupClassHorse')], [14, t('popupClassMotorbike')], [15, t('popupClassPerson')], [16, t('popupClassPottedPlant')],
  [17, t('popupClassSheep')], [18, t('popupClassSofa')], [19, t('popupClassTrain')], [20, t('popupClassTv')],
];

/** What stays untouched: every object, people only, a chosen set of classes, or the object right-clicked; and invert. */
export function SubjectPicker({ settings, onChange }: { settings: Settings; onChange: (p: Partial<Settings>) => void }) {
  const choice = (value: SubjectChoice, text: string) => (
    <label>
      <input type="radio" name="subject" value={value} checked={settings.subject === value} onChange={() => onChange({ subject: value })} /> {text}
    </label>
  );
  const toggle = (c: number, on: boolean) => {
    const set = new Set(settings.customClasses);
    if (on) set.add(c);
    else set.delete(c);
    onChange({ customClasses: [...set].sort((a, b) => a - b) });
  };
  return (
    <fieldset>
      <legend>{t('popupSubject')}</legend>
      <div class="row">{choice('all', t('popupSubjectAll'))}{choice('people', t('popupSubjectPeople'))}{choice('custom', t('popupSubjectCustom'))}</div>
      <div class="row">{choice('clicked', t('popupSubjectClicked'))}</div>
      {settings.subject === 'clicked' && <p class="hint">{t('popupSubjectClickedHint')}</p>}
      {settings.subject === 'custom' && (
        <div class="classes">
          {classNames().map(([c, name]) => (
            <label key={c}>
              <input type="checkbox" checked={settings.customClasses.includes(c)} onChange={(e) => toggle(c, (e.target as HTMLInputElement).checked)} /> {name}
            </label>
          ))}
        </div>
      )}
      <label class="row invert">
        <input type="checkbox" name="invert" checked={settings.invert} onChange={(e) => onChange({ invert: (e.target as HTMLInputElement).checked })} />
        {t('popupInvert')}
      </label>
    </fieldset>
  );
}
